using OtpNet;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// The second factor of a staff sign-in: a 6-digit TOTP (RFC 6238, 30-second steps, SHA-1 as authenticator apps expect)
/// from the key enrolled for the service account (<c>ServiceAccounts:&lt;id&gt;:TotpSecret</c>, base32). One step either
/// side of now is accepted for clock drift; the step it matched goes to the staff grain, which refuses a step already used.
/// </summary>
public static class StaffSecondFactor
{
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    /// <summary>The time step <paramref name="code"/> matched, or null (no key, a malformed key or code, no match).</summary>
    public static long? MatchedStep(string? base32Key, string? code, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(base32Key) || code is not { Length: 6 } || !code.All(char.IsAsciiDigit)) return null;
        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(base32Key);
        }
        catch (ArgumentException)
        {
            return null;
        }
        return new Totp(key).VerifyTotp(now.UtcDateTime, code, out var step, Drift) ? step : null;
    }

    /// <summary>The code of this moment (the Development helper route and the tests compute it as an authenticator app would).</summary>
    public static string CodeAt(string base32Key, DateTimeOffset now) => new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(now.UtcDateTime);
}
