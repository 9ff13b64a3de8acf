using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>The provider's signing keys read from configuration: a PEM, or the path of a PEM file; refused when weak or missing.</summary>
internal static class ProviderKeys
{
    public static ECDsaSecurityKey Ec(string pem, string setting)
    {
        var ec = PrivateKey(pem, setting, ECDsa.Create(), "EC");
        if (ec.KeySize != 256) throw new InsecureConfigurationException($"{setting} is not on the P-256 curve (ES256).");
        return new ECDsaSecurityKey(ec) { KeyId = KeyId(ec) };
    }

    public static RsaSecurityKey Rsa(string pem, string setting)
    {
        var rsa = PrivateKey(pem, setting, RSA.Create(), "RSA");
        if (rsa.KeySize < 2048) throw new InsecureConfigurationException($"{setting} is {rsa.KeySize} bits; at least 2048 are needed.");
        return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
    }

    /// <summary>
    /// A private key from a setting that holds the PEM, or the path of a file that does (a multi-line key is awkward in
    /// an environment variable); refused when missing or not a PEM of that kind.
    /// </summary>
    private static T PrivateKey<T>(string pem, string setting, T key, string kind) where T : AsymmetricAlgorithm
    {
        if (!pem.Contains("-----BEGIN", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(pem) && File.Exists(pem)) pem = File.ReadAllText(pem);
        if (string.IsNullOrWhiteSpace(pem)) throw new InsecureConfigurationException($"{setting} is missing.");
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            throw new InsecureConfigurationException($"{setting} is not a PEM-encoded {kind} private key.");
        }
        return key;
    }

    private static string KeyId(AsymmetricAlgorithm key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}

/// <summary>Development only: the provider's keys, generated once into the git-ignored <c>.local/oidc/</c> and kept there.</summary>
internal static class DevelopmentKeys
{
    public static void Fill(OidcOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey))
            options.SigningKey = DevelopmentSecrets.ReadOrCreate("signing-key.pem", () => RSA.Create(2048).ExportRSAPrivateKeyPem());
        if (string.IsNullOrWhiteSpace(options.FapiSigningKey))
            options.FapiSigningKey = DevelopmentSecrets.ReadOrCreate("fapi-signing-key.pem", () => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem());
        if (string.IsNullOrWhiteSpace(options.EncryptionKey))
            options.EncryptionKey = DevelopmentSecrets.ReadOrCreate("encryption-key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (string.IsNullOrWhiteSpace(options.PairwiseKey))
            options.PairwiseKey = DevelopmentSecrets.ReadOrCreate("pairwise-key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }
}
