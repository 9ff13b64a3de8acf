using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>
/// One ASP.NET Core Data Protection key ring for every gateway, so a cookie, an antiforgery token or the console's sign-in
/// state made by one gateway is read by any other behind the same address: kept in the platform's database
/// (<c>oidc.data_protection_keys</c>, through the provider's EF Core context) and each key encrypted there with the
/// certificate of <c>DataProtection:Certificate</c> (PEM of the certificate and its private key, or the path of such a
/// file). Development makes one into <c>.local/oidc</c>; elsewhere the gateway does not start without it.
/// </summary>
public static class SharedDataProtection
{
    public const string CertificateSetting = "DataProtection:Certificate";

    public static WebApplicationBuilder AddSharedDataProtection(this WebApplicationBuilder builder)
    {
        // Without the provider's store there is no shared place: each gateway keeps its own ring (a single gateway).
        if (!builder.Configuration.GetValue<bool>("Oidc:Enabled")) return builder;
        var pem = builder.Configuration[CertificateSetting];
        if (string.IsNullOrWhiteSpace(pem) && builder.Environment.IsDevelopment()) pem = DevelopmentCertificate();
        if (string.IsNullOrWhiteSpace(pem))
            throw new InsecureConfigurationException($"Refusing to start in the {builder.Environment.EnvironmentName} environment:{Environment.NewLine}  " +
                $"{CertificateSetting} is missing: the certificate (PEM with its private key) that encrypts the gateways' shared Data Protection keys.");
        if (File.Exists(pem)) pem = File.ReadAllText(pem);
        var certificate = X509Certificate2.CreateFromPem(pem, pem);
        builder.Services.AddDataProtection()
            .SetApplicationName("Orleans.VNeID")
            .PersistKeysToDbContext<OidcDbContext>()
            .ProtectKeysWithCertificate(certificate)
            .UnprotectKeysWithAnyCertificate(certificate);
        return builder;
    }

    /// <summary>Development's certificate, made once into <c>.local/oidc</c> and shared by every gateway started from this checkout.</summary>
    private static string DevelopmentCertificate()
    {
        var path = Path.Combine(Path.GetDirectoryName(ConfigDirectory.Locate())!, ".local", "oidc", "data-protection.pem");
        if (File.Exists(path)) return File.ReadAllText(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=Orleans.VNeID Development data protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(10));
        var pem = certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, pem);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // Two gateways starting at once: the first file in place wins, and both read it.
        try { File.Move(temporary, path); } catch (IOException) { File.Delete(temporary); }
        return File.ReadAllText(path);
    }
}
