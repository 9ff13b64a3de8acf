namespace Orleans.VNeID.Tests;

/// <summary>
/// The second factor of the demo service accounts (their keys are the public Development ones, in
/// config/appsettings.Development.json), computed as the officer's authenticator app would. Linked into both test projects.
/// </summary>
public static class DemoStaff
{
    // The tests' own officers (GatewayFactory) share officer-hcm-01's key.
    public const string TestKey = "5ULAC25STCS67IMLZVWGMW5PI7N6X2L2";

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["officer-hn-01"] = "AAHCJS4XSYPPPYBKVD2LNHO3V2OWFTBO",
        ["operator-01"] = "NLSC3Y6UK63CDXAZG7Y4BR7Y2W2ZR6MK",
        ["officer-hcm-01"] = TestKey,
        ["officer-hn-02"] = "RR6IVJPDL4MCINZXLH2QHMEDMTYNSP64",
    };

    /// <summary>The code of this moment for a demo or test service account (any other id gets a code of no key's).</summary>
    public static string Code(string clientId) =>
        Orleans.VNeID.Gateway.Auth.StaffSecondFactor.CodeAt(Keys.GetValueOrDefault(clientId, TestKey), DateTimeOffset.UtcNow);
}
