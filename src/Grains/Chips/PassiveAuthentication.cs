using System.ComponentModel.DataAnnotations;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Grains.Chips;

/// <summary>Where the country signing CA certificates come from (ICAO 9303 part 12: the CSCA, trusted out of band).</summary>
public sealed class ChipOptions
{
    public const string Section = "Nfc";

    /// <summary>
    /// PEM files (relative to <c>config/</c> or absolute) each holding one or more country signing CA certificates. Empty:
    /// no chip is trusted, and NFC recovery refuses every chip.
    /// </summary>
    public List<string> CountrySigningCertificates { get; set; } = [];

    /// <summary>The folder relative paths are read from (the host sets it to <c>config/</c>).</summary>
    public string BaseDirectory { get; set; } = "";

    /// <summary>The largest data group read from a chip, in KiB; a larger one is refused. Default 16.</summary>
    [Range(1, 64)] public int MaxDataGroupKiB { get; set; } = 16;
}

/// <summary>
/// ICAO 9303 passive authentication: EF.SOD must be a CMS SignedData over an LDS security object, validly signed by a
/// document signer certificate that chains to a configured country signing CA, and every data group read must hash to the
/// value the security object signed; then active authentication (<see cref="ActiveAuthentication"/>) proves the chip
/// itself signed the platform's challenge. Only then are the holder's details (DG1 and DG13) read. Each failure is its
/// own refusal.
/// </summary>
public sealed class PassiveAuthentication
{
    private readonly X509Certificate2Collection _anchors = [];
    private readonly int _maxDataGroupBytes;

    public PassiveAuthentication(IOptions<ChipOptions> options)
    {
        _maxDataGroupBytes = options.Value.MaxDataGroupKiB * 1024;
        foreach (var path in options.Value.CountrySigningCertificates)
        {
            var full = Path.IsPathRooted(path) ? path : Path.Combine(options.Value.BaseDirectory, path);
            _anchors.ImportFromPemFile(full);
        }
    }

    /// <summary>The country signing CAs trusted here.</summary>
    public IEnumerable<X509Certificate2> Anchors => _anchors;

    public Result<ChipHolder> Verify(ChipRead chip, DateTimeOffset now)
    {
        if (!chip.DataGroups.TryGetValue(ChipHolder.Mrz, out var dg1) || !chip.DataGroups.TryGetValue(ChipHolder.NationalData, out var dg13))
            return ErrorCatalogue.ChipUnreadable.Refuse("Data groups 1 (MRZ) and 13 (the holder's details) are needed.");
        if (chip.DataGroups.Values.Any(d => d.Length is 0 || d.Length > _maxDataGroupBytes) || chip.SecurityObject.Length is 0 or > 32 * 1024)
            return ErrorCatalogue.ChipUnreadable.Refuse("A data group or the security object is empty or too large.");

        SignedCms signed;
        SecurityObject security;
        try
        {
            var sod = new AsnReader(chip.SecurityObject, AsnEncodingRules.BER);
            var contentInfo = sod.ReadSequence(SecurityObject.SodTag).ReadEncodedValue();
            signed = new SignedCms();
            signed.Decode(contentInfo.Span);
            if (signed.ContentInfo.ContentType.Value != SecurityObject.ContentType || signed.SignerInfos.Count != 1)
                return ErrorCatalogue.ChipUnreadable.Refuse("EF.SOD does not hold one signed LDS security object.");
            security = SecurityObject.Decode(signed.ContentInfo.Content);
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException or FormatException)
        {
            return ErrorCatalogue.ChipUnreadable.Refuse("EF.SOD could not be decoded.");
        }

        // 1. The signature over the security object, by the document signer certificate EF.SOD carries.
        var signer = signed.SignerInfos[0];
        if (signer.Certificate is not { } documentSigner)
            return ErrorCatalogue.ChipSignerUnknown.Refuse("EF.SOD carries no document signer certificate.");
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return ErrorCatalogue.ChipSignatureInvalid.Refuse();
        }

        // Broken algorithms sign nothing here: a SHA-1 or MD5 digest or signature, on EF.SOD or on the signer's certificate.
        if (Weak.Contains(signer.DigestAlgorithm.Value ?? "") || Weak.Contains(signer.SignatureAlgorithm.Value ?? "") ||
            Weak.Contains(documentSigner.SignatureAlgorithm.Value ?? ""))
            return ErrorCatalogue.ChipSignatureInvalid.Refuse("EF.SOD or its document signer certificate is signed with SHA-1 or MD5, which are refused.");
        // The certificate must be one for signing documents (ICAO 9303 part 12: key usage digitalSignature).
        if (documentSigner.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } usage ||
            !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
            return ErrorCatalogue.ChipSignerUnknown.Refuse("The document signer certificate's key usage does not allow signing.");

        // 2. The document signer chains to a country signing CA held in configuration (no other trust store counts), and
        // both are valid now.
        if (!ChainsToAnchor(documentSigner, now))
            return ErrorCatalogue.ChipSignerUnknown.Refuse();

        // 3. Every data group read hashes to what the security object signed.
        foreach (var (number, content) in chip.DataGroups.OrderBy(d => d.Key))
        {
            if (!security.Hashes.TryGetValue(number, out var signedHash) ||
                !CryptographicOperations.FixedTimeEquals(signedHash, SecurityObject.Hash(security.Algorithm, content)))
                return ErrorCatalogue.ChipTampered.Refuse($"Data group {number} does not match the hash the security object signed.");
        }

        // 4. The chip is here, not a copy of its files: it signed this platform's fresh challenge with the key of its DG15.
        if (!chip.DataGroups.TryGetValue(ActiveAuthentication.DataGroup, out var dg15) || chip.Challenge is null || chip.ChallengeSignature is null ||
            !ActiveAuthentication.Verifies(dg15, chip.Challenge, chip.ChallengeSignature))
            return ErrorCatalogue.ChipNotPresent.Refuse();

        try
        {
            return Result.Ok(ChipHolder.Decode(dg1, dg13));
        }
        catch (Exception ex) when (ex is AsnContentException or FormatException or CryptographicException)
        {
            return ErrorCatalogue.ChipUnreadable.Refuse("The signed data groups do not hold a readable holder record.");
        }
    }

    /// <summary>SHA-1 and MD5, as digests and in signature algorithms (RSA, ECDSA, DSA).</summary>
    private static readonly HashSet<string> Weak =
    [
        "1.3.14.3.2.26", "1.2.840.113549.2.5",
        "1.2.840.113549.1.1.5", "1.2.840.113549.1.1.4", "1.2.840.10045.4.1", "1.2.840.10040.4.3", "1.3.14.3.2.29",
    ];

    private bool ChainsToAnchor(X509Certificate2 documentSigner, DateTimeOffset now)
    {
        if (_anchors.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Offline: a chip is hostile input, and a URL in its certificate (AIA) must never make a silo download or wait.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.UrlRetrievalTimeout = TimeSpan.FromSeconds(1);
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(documentSigner);
    }
}
