using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Grains.Chips;

/// <summary>
/// Development's stand-in for the ID-card production centre's chip personalisation: a document signer certified by the
/// given country signing CA (the committed Development CSCA, or a test's own) signs each card's data groups as EF.SOD.
/// </summary>
public sealed class SimulatedChipIssuer : IDisposable
{
    private readonly ECDsa _signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _documentSigner;

    private readonly string _digest;

    /// <param name="countrySigningCa">The CSCA certificate with its private key.</param>
    /// <param name="signerName">The document signer's common name.</param>
    /// <param name="keyUsage">The document signer's key usage (tests give it another to see it refused).</param>
    /// <param name="digestOid">EF.SOD's digest (tests give SHA-1 to see it refused).</param>
    public SimulatedChipIssuer(X509Certificate2 countrySigningCa, string signerName = "VNeID Development Document Signer",
        X509KeyUsageFlags keyUsage = X509KeyUsageFlags.DigitalSignature, string digestOid = "2.16.840.1.101.3.4.2.1")
    {
        _digest = digestOid;
        var request = new CertificateRequest($"CN={signerName}, O=Orleans.VNeID, C=VN", _signerKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        // Valid as long as its CSCA (a real document signer signs for months and stays valid as long as its cards).
        using var issued = request.Create(countrySigningCa, countrySigningCa.NotBefore, countrySigningCa.NotAfter, RandomNumberGenerator.GetBytes(12));
        _documentSigner = issued.CopyWithPrivateKey(_signerKey);
    }

    /// <summary>Loads a CSCA certificate and its key from PEM files.</summary>
    public static X509Certificate2 LoadCountrySigningCa(string certificatePem, string keyPem) =>
        X509Certificate2.CreateFromPemFile(certificatePem, keyPem);

    /// <summary>The chip of the card on record for <paramref name="citizen"/> (who must hold one).</summary>
    public ChipRead Issue(CitizenRecord citizen) => Issue(Holder(citizen));

    /// <summary>
    /// A new chip for <paramref name="holder"/> with its active-authentication key, read as a phone reads it, having
    /// answered a random challenge (a test that needs the platform's challenge answers it with <see cref="Answer"/>).
    /// </summary>
    public ChipRead Issue(ChipHolder holder) => Personalise(holder).Chip;

    /// <inheritdoc cref="Personalise(ChipHolder)"/>
    public (ChipRead Chip, byte[] ChipKey) Personalise(CitizenRecord citizen) => Personalise(Holder(citizen));

    private static ChipHolder Holder(CitizenRecord citizen) => new(citizen.IdNumber, citizen.FullName, citizen.DateOfBirth, citizen.Gender,
        citizen.CardNumber ?? throw new ArgumentException("The citizen holds no card.", nameof(citizen)),
        citizen.CardIssuedOn!.Value, citizen.CardValidUntil);

    /// <summary>The chip and its private active-authentication key (PKCS#8), as the production centre writes them into the card.</summary>
    public (ChipRead Chip, byte[] ChipKey) Personalise(ChipHolder holder)
    {
        using var chipKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var groups = new Dictionary<int, byte[]>
        {
            [ChipHolder.Mrz] = holder.EncodeDg1(), [ChipHolder.NationalData] = holder.EncodeDg13(),
            [ActiveAuthentication.DataGroup] = chipKey.ExportSubjectPublicKeyInfo(),
        };
        var privateKey = chipKey.ExportPkcs8PrivateKey();
        lock (_keys) _keys[Convert.ToHexString(groups[ActiveAuthentication.DataGroup])] = privateKey;
        var challenge = RandomNumberGenerator.GetBytes(ActiveAuthentication.ChallengeLength);
        return (new ChipRead(Sign(groups), groups, challenge, ActiveAuthentication.Sign(privateKey, challenge)), privateKey);
    }

    /// <summary>The same chip answering another challenge (a chip this issuer personalised).</summary>
    public ChipRead Answer(ChipRead chip, byte[] challenge)
    {
        byte[] key;
        lock (_keys) key = _keys[Convert.ToHexString(chip.DataGroups[ActiveAuthentication.DataGroup])];
        return chip with { Challenge = challenge, ChallengeSignature = ActiveAuthentication.Sign(key, challenge) };
    }

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>EF.SOD over <paramref name="groups"/>: tag 77 around a CMS SignedData of the LDS security object.</summary>
    public byte[] Sign(IReadOnlyDictionary<int, byte[]> groups)
    {
        var content = new ContentInfo(new Oid(SecurityObject.ContentType), SecurityObject.Encode(groups));
        var cms = new SignedCms(content, detached: false);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _documentSigner)
        {
            DigestAlgorithm = new Oid(_digest),
            IncludeOption = X509IncludeOption.EndCertOnly,
        }, silent: true);
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence(SecurityObject.SodTag)) writer.WriteEncodedValue(cms.Encode());
        return writer.Encode();
    }

    public void Dispose()
    {
        _documentSigner.Dispose();
        _signerKey.Dispose();
    }
}
