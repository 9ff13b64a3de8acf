using System.Formats.Asn1;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Chips;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Chips;

/// <summary>Issue 14, NFC recovery: the chip is checked as ICAO 9303 passive authentication does.</summary>
public sealed class PassiveAuthenticationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
    private readonly TestChipAuthority _authority = new();
    private readonly TestChipAuthority _stranger = new("Unknown CSCA");

    private static readonly ChipHolder An = new("001090012345", "Nguyễn Văn An", new DateOnly(1990, 5, 15), Gender.Male, "001090012345",
        new DateOnly(2021, 6, 1), new DateOnly(2030, 5, 15));

    public void Dispose()
    {
        _authority.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public void Rule_a_genuine_chip_passes_and_yields_the_holder_from_its_signed_data_groups()
    {
        var result = _authority.Verifier().Verify(_authority.Issuer.Issue(An), Now);
        Assert.True(result.Succeeded, result.Error?.Detail);
        Assert.Equal(An, result.Value);
        // The machine-readable zone is ICAO's TD1: three lines of 30, the ID number in the optional data, check digits right.
        var mrz = An.Td1();
        Assert.Equal(90, mrz.Length);
        Assert.StartsWith("IDVNM090012345", mrz);
        Assert.Contains("001090012345", mrz[..30]);
        Assert.EndsWith("NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<", mrz);
        Assert.Equal('6', ChipHolder.Check("L898902C3")); // ICAO 9303 part 3's own example
    }

    [Theory]
    [InlineData(ChipHolder.Mrz)]
    [InlineData(ChipHolder.NationalData)]
    public void Rule_a_tampered_data_group_fails_its_hash(int tampered)
    {
        var chip = _authority.Issuer.Issue(An);
        var groups = new Dictionary<int, byte[]>(chip.DataGroups);
        var altered = (byte[])groups[tampered].Clone();
        altered[^2] ^= 0x01; // one bit of the holder's data
        groups[tampered] = altered;
        var result = _authority.Verifier().Verify(chip with { DataGroups = groups }, Now);
        Assert.Equal(ErrorCatalogue.ChipTampered.Code, result.Error?.Code);
        Assert.Contains($"Data group {tampered}", result.Error!.Detail);
    }

    [Fact]
    public void Rule_a_data_group_the_security_object_did_not_sign_is_refused()
    {
        var chip = _authority.Issuer.Issue(An);
        var groups = new Dictionary<int, byte[]>(chip.DataGroups) { [11] = [0x6B, 0x00] };
        Assert.Equal(ErrorCatalogue.ChipTampered.Code, _authority.Verifier().Verify(chip with { DataGroups = groups }, Now).Error?.Code);
    }

    [Fact]
    public void Rule_a_chip_signed_under_an_unknown_country_signing_ca_is_refused()
    {
        // Perfectly formed and self-consistent, but its document signer is certified by a CSCA nobody configured.
        var result = _authority.Verifier().Verify(_stranger.Issuer.Issue(An), Now);
        Assert.Equal(ErrorCatalogue.ChipSignerUnknown.Code, result.Error?.Code);
        // And no configured CSCA at all trusts nothing.
        var none = new PassiveAuthentication(Microsoft.Extensions.Options.Options.Create(new ChipOptions()));
        Assert.Equal(ErrorCatalogue.ChipSignerUnknown.Code, none.Verify(_authority.Issuer.Issue(An), Now).Error?.Code);
    }

    [Fact]
    public void Rule_data_groups_re_hashed_into_a_new_security_object_break_the_signature()
    {
        // The attacker edits DG13 and swaps in a security object with the matching hashes, keeping the genuine signature.
        var genuine = _authority.Issuer.Issue(An);
        var forged = _authority.Issuer.Issue(An with { FullName = "Trần Văn Kẻ Gian" });
        var spliced = SpliceContent(genuine.SecurityObject, forged.SecurityObject);
        var result = _authority.Verifier().Verify(forged with { SecurityObject = spliced }, Now);
        Assert.Equal(ErrorCatalogue.ChipSignatureInvalid.Code, result.Error?.Code);
    }

    [Fact]
    public void Rule_garbage_or_a_missing_data_group_is_unreadable_never_an_exception()
    {
        var chip = _authority.Issuer.Issue(An);
        var verifier = _authority.Verifier();
        Assert.Equal(ErrorCatalogue.ChipUnreadable.Code, verifier.Verify(chip with { SecurityObject = [0x77, 0x03, 1, 2, 3] }, Now).Error?.Code);
        Assert.Equal(ErrorCatalogue.ChipUnreadable.Code, verifier.Verify(chip with { SecurityObject = [] }, Now).Error?.Code);
        var onlyMrz = new Dictionary<int, byte[]> { [ChipHolder.Mrz] = chip.DataGroups[ChipHolder.Mrz] };
        Assert.Equal(ErrorCatalogue.ChipUnreadable.Code, verifier.Verify(chip with { DataGroups = onlyMrz }, Now).Error?.Code);
    }

    /// <summary>The genuine EF.SOD with its signed content replaced by another security object (signer info untouched).</summary>
    private static byte[] SpliceContent(byte[] genuineSod, byte[] forgedSod)
    {
        static System.Security.Cryptography.Pkcs.SignedCms Open(byte[] sod)
        {
            var cms = new System.Security.Cryptography.Pkcs.SignedCms();
            cms.Decode(new AsnReader(sod, AsnEncodingRules.DER).ReadSequence(SecurityObject.SodTag).ReadEncodedValue().Span);
            return cms;
        }
        var genuine = Open(genuineSod).Encode();
        var genuineContent = Open(genuineSod).ContentInfo.Content;
        var forgedContent = Open(forgedSod).ContentInfo.Content;
        Assert.Equal(genuineContent.Length, forgedContent.Length); // same-length names: the byte offsets stay valid
        var at = genuine.AsSpan().IndexOf(genuineContent);
        Assert.True(at > 0);
        forgedContent.CopyTo(genuine.AsSpan(at));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(SecurityObject.SodTag)) writer.WriteEncodedValue(genuine);
        return writer.Encode();
    }

    [Fact]
    public void Forged_a_chip_signed_with_sha1_or_by_a_certificate_not_for_signing_is_refused()
    {
        var ca = _authority.Ca;
        using var sha1 = new SimulatedChipIssuer(ca, digestOid: "1.3.14.3.2.26");
        var weak = _authority.Verifier().Verify(sha1.Issue(An), Now);
        Assert.Equal("chip_signature_invalid", weak.Error?.Code);
        Assert.Contains("SHA-1", weak.Error!.Detail);

        using var notForSigning = new SimulatedChipIssuer(ca, keyUsage: System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyEncipherment);
        var misused = _authority.Verifier().Verify(notForSigning.Issue(An), Now);
        Assert.Equal("chip_signer_unknown", misused.Error?.Code);
        Assert.Contains("key usage", misused.Error!.Detail);
    }

    [Fact]
    public void Forged_copied_chip_data_without_the_chips_answer_to_a_fresh_challenge_is_refused()
    {
        var genuine = _authority.Issuer.Issue(An);
        Assert.True(_authority.Verifier().Verify(genuine, Now).Succeeded);
        // The files copied off the card, answered with another challenge's signature, with none, or with DG15 left out.
        var other = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8);
        foreach (var copy in new[]
                 {
                     genuine with { Challenge = other },
                     genuine with { ChallengeSignature = null },
                     genuine with { DataGroups = genuine.DataGroups.Where(d => d.Key != ActiveAuthentication.DataGroup).ToDictionary() },
                 })
            Assert.Equal("chip_not_present", _authority.Verifier().Verify(copy, Now).Error?.Code);
        // Another key in DG15 than the one EF.SOD signed is a tampered chip.
        var forged = _stranger.Issuer.Issue(An);
        var swapped = new Dictionary<int, byte[]>(genuine.DataGroups) { [ActiveAuthentication.DataGroup] = forged.DataGroups[ActiveAuthentication.DataGroup] };
        Assert.Equal("chip_tampered", _authority.Verifier().Verify(genuine with { DataGroups = swapped, Challenge = forged.Challenge, ChallengeSignature = forged.ChallengeSignature }, Now).Error?.Code);
        // The genuine chip answering a new challenge passes.
        Assert.True(_authority.Verifier().Verify(_authority.Issuer.Answer(genuine, other), Now).Succeeded);
    }
}
