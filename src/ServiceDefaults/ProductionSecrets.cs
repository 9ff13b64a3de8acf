using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>A host was configured outside Development with a missing, short or public secret. The message names the setting.</summary>
public sealed class InsecureConfigurationException(string message) : Exception(message);

/// <summary>
/// Production is safe by construction: outside Development a host refuses to start when a key or staff secret it uses is
/// missing, too short, or equal to a value committed in this repository (the Development keys, the local database
/// password, the demo service accounts are public). Development keeps working with them.
/// </summary>
public static class ProductionSecrets
{
    /// <summary>Keys are base64 and at least this long once decoded.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>Secrets of database connection strings (the password) need at least this many characters.</summary>
    public const int MinimumPasswordLength = 16;

    // SHA-256 of every secret value committed in the repository: config/appsettings.Development.json (keys, service-account
    // hashes), scripts/lib/common.sh (the local database password). A test checks that every one of them is listed.
    private static readonly HashSet<string> CommittedFingerprints =
    [
        "bf73bd734869064c5055d15aa6bab005a36b4ff743ccb1d0d317ec90d3850b88", // Otp:HashKey
        "1ad6f97fc1df70a16b89b1bf1382b668b70dfde9107c52d1c8954c64973e5db1", // Notifications:SealingKey
        "8c530bd9e09bed0f01af164027a957efedc67717a348f6325dc4de04e13367aa", // Jwt:SigningKey
        "a849771ab3e79d583a293afe0cff7171abd6a768a53452f546e8de83eb14b715", // Audit:CheckpointKey
        "41c2194c6d2aa1731685a54c5420562d31f47592ae5ff8969acdfd54f17980ea", // the local database password (application role)
        "7b25d99f76b10c5ffb1631909f82129c9f50af3cf41f95bf800754ad4feae6b2", // the local database password (owner role)
        "34e9c142904528a45da7ee67f3c407ac663d6842089a77ef186045a0c107aad7", // ServiceAccounts:officer-hn-01
        "5c86776d5eb4b342e1c7c378b4f19c676d1dfb0810d2477d50c88cf6c6756b29", // ServiceAccounts:operator-01
        "5614c89b7c53526a86f7fb88f25537f19939e4dd79fb1d154ea29b5a2301d3d8", // ServiceAccounts:officer-hcm-01
        "e9f2db5ea5ec4b02ebda1482fdf4a014c7e9e1aaaba3915f689c1bd43ebf0213", // ServiceAccounts:officer-hn-01:TotpSecret
        "56fa4a6b9da72a16132d1d1d4228cdb3050b0c60c08b9265d6bac6dd4667fd26", // ServiceAccounts:operator-01:TotpSecret
        "7be4eca22358a79a58f2f57c7129cadb06249bea2e1a3c8296cae88cae3fb06a", // ServiceAccounts:officer-hcm-01:TotpSecret
        "760797ce6dd7973b2807bd1398f791067e31aea7ac7c1b54857131603dd8cfea", // ServiceAccounts:officer-hn-02
        "e015fd757f613878ff9806ace358b0e491f6bc7dc9757748cf6c54c4c59141e1", // ServiceAccounts:officer-hn-02:TotpSecret
        "592698edce7235abea6b447dbfdd4ab7395e4c5b223385a9d06d512a436079ec", // CaptureDevices:SIM-*:PublicKey (its private key is committed)
    ];

    // The demo service-account secrets the README prints: public, so a hash of either is refused however it was salted.
    private static readonly string[] PublicDemoSecrets = ["Officer#Dev2026", "Operator#Dev2026"];

    public static bool IsCommitted(string value) =>
        CommittedFingerprints.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))));

    /// <summary>
    /// Throws <see cref="InsecureConfigurationException"/> outside Development when a listed base64 key, the password of
    /// a listed connection string, or (when <paramref name="serviceAccounts"/>) a service account's secret is unsafe.
    /// </summary>
    public static void Require(IConfiguration configuration, IHostEnvironment environment, string[] base64Keys,
        string[] connectionStrings, bool serviceAccounts = false)
    {
        if (environment.IsDevelopment()) return;
        var problems = new List<string>();
        foreach (var key in base64Keys) problems.AddRange(KeyProblems(key, configuration[key]));
        foreach (var name in connectionStrings) problems.AddRange(PasswordProblems($"ConnectionStrings:{name}", configuration.GetConnectionString(name)));
        // The storage shards, when the states are spread (their passwords are secrets like the platform database's).
        var shards = PlatformDatabase.ConfiguredShards(configuration);
        for (var i = 0; i < shards.Count; i++) problems.AddRange(PasswordProblems($"{PlatformDatabase.ShardsSection}:{i}", shards[i]));
        if (serviceAccounts) problems.AddRange(ServiceAccountProblems(configuration.GetSection("ServiceAccounts")));
        if (serviceAccounts && !configuration.Read<StaffSignInSettings>().RefuseReplayedCodes)
            problems.Add("StaffSignIn:RefuseReplayedCodes is false: a staff sign-in code could be used twice (Development only).");
        if (problems.Count > 0)
            throw new InsecureConfigurationException(
                $"Refusing to start in the {environment.EnvironmentName} environment:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", problems) + Environment.NewLine +
                "Set each through VNEID_* environment variables (scripts/up.sh --production generates them into .local/).");
    }

    public static IEnumerable<string> KeyProblems(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) { yield return $"{setting} is missing."; yield break; }
        if (IsCommitted(value)) { yield return $"{setting} is the public Development value committed in the repository."; yield break; }
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, bytes, out var length)) yield return $"{setting} is not base64.";
        else if (length < MinimumKeyBytes) yield return $"{setting} is {length} bytes; at least {MinimumKeyBytes} are needed.";
    }

    public static IEnumerable<string> PasswordProblems(string setting, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) { yield return $"{setting} is missing."; yield break; }
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var password = builder.TryGetValue("Password", out var value) ? value?.ToString() : null;
        if (string.IsNullOrEmpty(password)) yield return $"{setting} has no Password.";
        else if (IsCommitted(password)) yield return $"{setting} uses the public Development database password.";
        else if (password.Length < MinimumPasswordLength) yield return $"{setting}'s password is shorter than {MinimumPasswordLength} characters.";
    }

    public static IEnumerable<string> ServiceAccountProblems(IConfigurationSection accounts)
    {
        var hasher = new PasswordHasher<object>();
        foreach (var account in accounts.GetChildren())
        {
            var setting = $"ServiceAccounts:{account.Key}:SecretHash";
            var hash = account["SecretHash"];
            if (string.IsNullOrWhiteSpace(hash)) { yield return $"{setting} is missing."; continue; }
            if (IsCommitted(hash)) { yield return $"{setting} is a demo account's hash committed in the repository."; continue; }
            var verdicts = PublicDemoSecrets.Select(secret => Verify(hasher, hash, secret)).ToArray();
            if (verdicts.Contains(null)) yield return $"{setting} is not a hash made by `vneid-silo hash-secret`.";
            else if (verdicts.Any(v => v == true)) yield return $"{setting} is the hash of a public demo secret.";
            // The second factor: without it a guessed or leaked secret alone would sign staff in.
            var totpSetting = $"ServiceAccounts:{account.Key}:TotpSecret";
            var totp = account["TotpSecret"];
            if (string.IsNullOrWhiteSpace(totp)) yield return $"{totpSetting} is missing (a base32 key of at least 20 bytes; scripts/up.sh --production generates one).";
            else if (IsCommitted(totp)) yield return $"{totpSetting} is a demo account's key committed in the repository.";
            else if (!System.Text.RegularExpressions.Regex.IsMatch(totp, "^[A-Z2-7]{32,}=*$")) yield return $"{totpSetting} is not a base32 key of at least 20 bytes.";
        }

    }

    private static bool? Verify(PasswordHasher<object> hasher, string hash, string secret)
    {
        try
        {
            return hasher.VerifyHashedPassword(new object(), hash, secret) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>SHA-256 thumbprint of the Development country signing CA committed in <c>config/dev-chip-ca/</c> (its key is public).</summary>
    public const string DevelopmentCountrySigningCa = "B575743EEBA291BA575B55AAF28F00F9660F9FE040ECF16F7EF9DD3F068A334C";

    /// <summary>
    /// Outside Development, NFC recovery must not trust the Development CSCA: every chip the seeding command simulated is
    /// signed under its public key. Throws <see cref="InsecureConfigurationException"/> naming the setting.
    /// </summary>
    public static void RequireCountrySigningCas(IConfiguration configuration, IHostEnvironment environment, string configDirectory)
    {
        if (environment.IsDevelopment()) return;
        foreach (var path in configuration.GetSection("Nfc:CountrySigningCertificates").Get<string[]>() ?? [])
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPemFile(Path.IsPathRooted(path) ? path : Path.Combine(configDirectory, path));
            foreach (var certificate in certificates)
            {
                if (string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), DevelopmentCountrySigningCa, StringComparison.OrdinalIgnoreCase))
                    throw new InsecureConfigurationException(
                        $"Refusing to start in the {environment.EnvironmentName} environment:{Environment.NewLine}  " +
                        $"Nfc:CountrySigningCertificates ({path}) holds the Development country signing CA, whose private key is public.");
            }
        }
    }

    /// <summary>SHA-256 of the public key of Development's simulated capture devices (base64 SubjectPublicKeyInfo as configured).</summary>
    public const string DevelopmentCaptureDeviceKey = "592698edce7235abea6b447dbfdd4ab7395e4c5b223385a9d06d512a436079ec";

    /// <summary>
    /// Outside Development, no capture device may be enrolled with the simulated devices' key: its private key is committed,
    /// so anyone could sign templates as a desk. Throws <see cref="InsecureConfigurationException"/> naming the setting.
    /// </summary>
    public static void RequireCaptureDevices(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment()) return;
        foreach (var device in configuration.GetSection("CaptureDevices").GetChildren())
        {
            var key = device["PublicKey"] ?? "";
            if (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()))) == DevelopmentCaptureDeviceKey)
                throw new InsecureConfigurationException(
                    $"Refusing to start in the {environment.EnvironmentName} environment:{Environment.NewLine}  " +
                    $"CaptureDevices:{device.Key}:PublicKey is the key of Development's simulated devices, whose private key is public.");
        }
    }
}
