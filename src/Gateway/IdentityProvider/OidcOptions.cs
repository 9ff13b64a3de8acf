using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>The OpenID Connect provider. Section <c>Oidc</c>.</summary>
public sealed class OidcOptions : Orleans.VNeID.ServiceDefaults.ISettingsSection
{
    public static string ConfigurationSection => Section;

    public const string Section = "Oidc";

    /// <summary>Whether the gateway serves the provider (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// PEM of the RSA private key (≥ 2048 bits) that signs ID and access tokens, or the path of a PEM file. Generated into
    /// .local/oidc in Development; required elsewhere.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>
    /// PEM of the EC P-256 private key that signs the ID and access tokens of FAPI 2.0 relying parties (ES256), or the path
    /// of a PEM file. Generated into .local/oidc in Development; required elsewhere.
    /// </summary>
    public string FapiSigningKey { get; set; } = "";

    /// <summary>PEMs of earlier FAPI signing keys, still published in the JWKS until the tokens they signed have expired.</summary>
    public List<string> PreviousFapiSigningKeys { get; set; } = [];

    /// <summary>PEMs of earlier signing keys, still published in the JWKS until the tokens they signed have expired.</summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>Base64 AES key (32 bytes) that encrypts authorization codes and refresh tokens. Generated into .local/oidc in Development.</summary>
    public string EncryptionKey { get; set; } = "";

    /// <summary>
    /// Base64 key (32 bytes) of the pairwise subjects (an HMAC of client and ID number); changing it changes every
    /// pairwise subject, so it is kept apart from the keys that rotate. Generated into .local/oidc in Development.
    /// </summary>
    public string PairwiseKey { get; set; } = "";

    /// <summary>
    /// The provider's public URL (the <c>iss</c> of its tokens). Empty: the gateway's first URL (<c>Gateway:Urls</c>). Set it
    /// to the https address when TLS is terminated in front of the gateway.
    /// </summary>
    public string Issuer { get; set; } = "";

    /// <summary>The issuer as a URI with a trailing slash, after <see cref="Issuer"/> has been filled in.</summary>
    public Uri IssuerUri => new(Issuer.EndsWith('/') ? Issuer : Issuer + "/", UriKind.Absolute);

    /// <summary>How long a pushed authorization request (its <c>request_uri</c>) may be used. Default 9 minutes (FAPI 2.0: under 10).</summary>
    public TimeSpan PushedRequestLifetime { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>How often the gateway looks for back-channel logouts and security events owed. Default 1 second.</summary>
    public TimeSpan LogoutPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between two attempts to deliver a back-channel logout, or a relying party's security events
    /// (attempts back off by doubling). Default 1 hour.
    /// </summary>
    public TimeSpan LogoutRetryMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a security event is retried before it is dead-lettered for operators. Default 3 days.</summary>
    public TimeSpan SecurityEventGiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long an authorization code may be redeemed (once). Default 1 minute.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an access token is valid. Default 5 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an ID token is valid. Default 5 minutes.</summary>
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a refresh token may be used (it rotates at each use, and dies with the account session). Default 8 hours.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>How the gateway posts to relying parties: Development allows http and loopback; elsewhere https to public addresses only.</summary>
public sealed record DeliveryRules(bool Development)
{
    /// <summary>The longest a relying party may take to answer (to connect, then to send its headers; a refusal's body the same).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Why <paramref name="uri"/> may not be posted to now (it was registered under older rules), or null.</summary>
    public string? Refusal(string uri)
    {
        try
        {
            EndpointRules.Check(uri, "endpoint", Development);
            return null;
        }
        catch (ArgumentException refused)
        {
            return "refused: " + refused.Message;
        }
    }
}

/// <summary>One value per account level: a relying party asks for the level it needs (<c>acr_values</c>).</summary>
public static class Assurance
{
    public const string Level1 = "urn:vneid:level1";
    public const string Level2 = "urn:vneid:level2";
    public static readonly string[] Values = [Level1, Level2];
}
