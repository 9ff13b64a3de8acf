using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>The credential issuer's settings. Section <c>Credentials</c>.</summary>
public sealed class CredentialOptions : ISettingsSection
{
    public const string Section = "Credentials";
    public static string ConfigurationSection => Section;

    /// <summary>
    /// PEM of the EC P-256 private key that signs credentials and status lists (ES256), or the path of a PEM file.
    /// Generated into .local/oidc in Development; required elsewhere.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>PEMs (or paths) of earlier signing keys, still published until the credentials they signed have expired.</summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>How long an e-ID credential is valid, at most (never past the card's own validity). Default 365 days.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long a verifier may keep a status list before fetching it again (its <c>ttl</c>). Default 5 minutes.</summary>
    public TimeSpan StatusListTtl { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The issuer's keys: the current one signs, every one is published (JWT VC issuer metadata).</summary>
public sealed class CredentialKeys
{
    public CredentialKeys(CredentialOptions options, bool development)
    {
        var current = options.SigningKey;
        if (string.IsNullOrWhiteSpace(current) && development) current = DevelopmentKey();
        if (string.IsNullOrWhiteSpace(current))
            throw new InsecureConfigurationException("Refusing to start outside Development:" + Environment.NewLine +
                "  Credentials:SigningKey is missing: the EC P-256 key (PEM or its path) that signs credentials and status lists.");
        Signing = Key(current);
        Published = [Signing, .. options.PreviousSigningKeys.Select(Key)];
        Credentials = new SigningCredentials(Signing, SecurityAlgorithms.EcdsaSha256);
    }

    public ECDsaSecurityKey Signing { get; }
    public IReadOnlyList<ECDsaSecurityKey> Published { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The public keys as a JWKS document's keys.</summary>
    public IEnumerable<Dictionary<string, string>> Jwks() => Published.Select(key =>
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        return new Dictionary<string, string> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = key.KeyId, ["use"] = "sig", ["alg"] = "ES256" };
    });

    private static ECDsaSecurityKey Key(string pemOrPath)
    {
        var pem = File.Exists(pemOrPath) ? File.ReadAllText(pemOrPath) : pemOrPath;
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        if (ecdsa.KeySize != 256) throw new InsecureConfigurationException("Credentials:SigningKey must be an EC P-256 key.");
        var key = new ECDsaSecurityKey(ecdsa);
        // The key id is the key's own RFC 7638 thumbprint: the same key has the same id on every gateway.
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa)).ComputeJwkThumbprint());
        return key;
    }

    private static string DevelopmentKey() =>
        DevelopmentSecrets.ReadOrCreate("credential-signing-key.pem", () => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem());
}
