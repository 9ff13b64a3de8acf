using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Tests.Security;

public class ProductionSecretsTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static readonly string[] Keys = ["Jwt:SigningKey", "Otp:HashKey"];

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.VNeID.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException();
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Forged_staff_every_secret_committed_in_the_repository_is_known_as_public()
    {
        var root = Root();
        using var development = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "config", "appsettings.Development.json")));
        var secrets = new List<string>();
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
                foreach (var p in element.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : $"{path}:{p.Name}");
            else if (element.ValueKind == JsonValueKind.String && Regex.IsMatch(path, "(Key|SecretHash|TotpSecret)$")) secrets.Add(element.GetString()!);
            else if (element.ValueKind == JsonValueKind.String && path.StartsWith("ConnectionStrings:", StringComparison.Ordinal))
                secrets.Add(Regex.Match(element.GetString()!, "Password=([^;]*)").Groups[1].Value);
        }
        Walk(development.RootElement, "");
        foreach (Match password in Regex.Matches(File.ReadAllText(Path.Combine(root, "scripts", "lib", "common.sh")), "PG_[A-Z]+_PASSWORD=\"\\$\\{[A-Z_]+:-([^}]*)\\}\""))
            secrets.Add(password.Groups[1].Value);

        Assert.True(secrets.Count >= 12, string.Join(", ", secrets));
        Assert.All(secrets, s => Assert.True(ProductionSecrets.IsCommitted(s), $"not listed as committed: {s[..Math.Min(8, s.Length)]}…"));
        Assert.False(ProductionSecrets.IsCommitted(NewKey()));
    }

    [Fact]
    public void Forged_staff_outside_development_missing_short_and_committed_keys_are_refused_naming_the_setting()
    {
        var committed = Config(new()
        {
            ["Jwt:SigningKey"] = "nBgyXVhGUXDhLbEZ6eRyeqy1F1zWviU4Xu3jTicZMd0=",
            ["Otp:HashKey"] = Convert.ToBase64String(new byte[16]),
            ["ConnectionStrings:VNeID"] = "Host=db;Password=vneid-dev",
            ["ServiceAccounts:officer-x:SecretHash"] = new PasswordHasher<object>().HashPassword(new object(), "Officer#Dev2026"),
            ["ServiceAccounts:officer-y:Role"] = "officer",
        });
        var refused = Assert.Throws<InsecureConfigurationException>(() =>
            ProductionSecrets.Require(committed, new Env("Production"), Keys, ["VNeID"], serviceAccounts: true));
        Assert.Contains("Jwt:SigningKey is the public Development value", refused.Message);
        Assert.Contains("Otp:HashKey is 16 bytes", refused.Message);
        Assert.Contains("ConnectionStrings:VNeID uses the public Development database password", refused.Message);
        Assert.Contains("ServiceAccounts:officer-x:SecretHash is the hash of a public demo secret", refused.Message);
        Assert.Contains("ServiceAccounts:officer-y:SecretHash is missing", refused.Message);
        Assert.Contains("ServiceAccounts:officer-x:TotpSecret is missing", refused.Message);

        var missing = Assert.Throws<InsecureConfigurationException>(() =>
            ProductionSecrets.Require(Config(new()), new Env("Staging"), Keys, ["VNeID"]));
        Assert.Contains("Otp:HashKey is missing", missing.Message);

        // The same committed values are fine in Development.
        ProductionSecrets.Require(committed, new Env("Development"), Keys, ["VNeID"], serviceAccounts: true);
    }

    [Fact]
    public void Forged_staff_fresh_secrets_start_a_production_host()
    {
        var fresh = Config(new()
        {
            ["Jwt:SigningKey"] = NewKey(),
            ["Otp:HashKey"] = NewKey(),
            ["ConnectionStrings:VNeID"] = $"Host=db;Password={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}",
            ["ServiceAccounts:officer-x:SecretHash"] = new PasswordHasher<object>().HashPassword(new object(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(18))),
            ["ServiceAccounts:officer-x:TotpSecret"] = OtpNet.Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20)),
        });
        ProductionSecrets.Require(fresh, new Env("Production"), Keys, ["VNeID"], serviceAccounts: true);
    }

    [Fact]
    public void Rule_the_committed_development_country_signing_ca_is_trusted_only_in_development()
    {
        var config = Path.Combine(Root(), "config");
        var settings = Config(new() { ["Nfc:CountrySigningCertificates:0"] = "dev-chip-ca/csca.crt" });
        // The constant is the committed certificate's thumbprint (its private key is committed beside it: public).
        var committed = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(config, "dev-chip-ca", "csca.crt")));
        Assert.Equal(ProductionSecrets.DevelopmentCountrySigningCa, committed.GetCertHashString(HashAlgorithmName.SHA256));
        ProductionSecrets.RequireCountrySigningCas(settings, new Env(Environments.Development), config);
        var refused = Assert.Throws<InsecureConfigurationException>(() => ProductionSecrets.RequireCountrySigningCas(settings, new Env(Environments.Production), config));
        Assert.Contains("Nfc:CountrySigningCertificates", refused.Message);
        // Production's shared settings trust no CSCA until the operator configures the country's own.
        using var shared = JsonDocument.Parse(File.ReadAllText(Path.Combine(config, "appsettings.json")));
        Assert.False(shared.RootElement.TryGetProperty("Nfc", out var nfc) && nfc.TryGetProperty("CountrySigningCertificates", out var list) && list.GetArrayLength() > 0);
    }

    [Fact]
    public void Forged_staff_the_simulated_capture_devices_key_is_refused_outside_development()
    {
        var simulated = Config(new()
        {
            ["CaptureDevices:SIM-CAP-HG:Office"] = "CAP-HG",
            ["CaptureDevices:SIM-CAP-HG:PublicKey"] = Orleans.VNeID.Grains.OfficeDesk.CaptureDevices.DevelopmentPublicKey,
        });
        var refused = Assert.Throws<InsecureConfigurationException>(() => ProductionSecrets.RequireCaptureDevices(simulated, new Env("Production")));
        Assert.Contains("CaptureDevices:SIM-CAP-HG:PublicKey", refused.Message);
        ProductionSecrets.RequireCaptureDevices(simulated, new Env("Development"));
        using var own = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        ProductionSecrets.RequireCaptureDevices(Config(new()
        {
            ["CaptureDevices:CAM-1:Office"] = "CAP-HG", ["CaptureDevices:CAM-1:PublicKey"] = Convert.ToBase64String(own.ExportSubjectPublicKeyInfo()),
        }), new Env("Production"));
    }
}
