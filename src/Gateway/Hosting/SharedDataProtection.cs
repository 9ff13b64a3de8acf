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
        if (!builder.Configuration.Read<Orleans.VNeID.Gateway.IdentityProvider.OidcOptions>().Enabled) return builder;
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
    private static string DevelopmentCertificate() => DevelopmentSecrets.ReadOrCreate("data-protection.pem", () =>
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=Orleans.VNeID Development data protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    });
}
