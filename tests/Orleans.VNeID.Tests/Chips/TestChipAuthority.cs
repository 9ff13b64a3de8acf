using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Grains.Chips;

namespace Orleans.VNeID.Tests.Chips;

/// <summary>A country signing CA of the tests' own (never the committed Development one), and the chips it signs.</summary>
public sealed class TestChipAuthority : IDisposable
{
    public TestChipAuthority(string name = "Test CSCA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, C=VN", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Ca = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        CertificatePath = Path.Combine(Path.GetTempPath(), $"vneid-test-csca-{Guid.NewGuid():N}.crt");
        File.WriteAllText(CertificatePath, Ca.ExportCertificatePem());
        Issuer = new SimulatedChipIssuer(Ca, $"{name} Document Signer");
    }

    public X509Certificate2 Ca { get; }
    public string CertificatePath { get; }
    public SimulatedChipIssuer Issuer { get; }

    /// <summary>A verifier that trusts this authority only.</summary>
    public PassiveAuthentication Verifier() =>
        new(Options.Create(new ChipOptions { CountrySigningCertificates = [CertificatePath] }));

    public void Dispose()
    {
        Issuer.Dispose();
        Ca.Dispose();
        File.Delete(CertificatePath);
    }
}
