using System.ComponentModel;
using FluentValidation;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Gateway.Recovery;

/// <summary>What the VNeID app read from the chip ID card over NFC, as it sends it: base64 of each file, raw.</summary>
public sealed record NfcRecoveryRequest(
    [property: Description("Base64 of EF.SOD as read from the chip: tag 77 around the CMS SignedData of the LDS security object (ICAO 9303 part 10).")] string? SecurityObject,
    [property: Description("Base64 of each data group read, by number: \"1\" (the machine-readable zone), \"13\" (the holder's details) and \"15\" (the chip's active-authentication public key) are required.")] Dictionary<string, string>? DataGroups,
    [property: Description("The token of POST /api/v1/recovery/{idNumber}/nfc/challenge, as it was given (valid 2 minutes).")] string? ChallengeToken = null,
    [property: Description("Base64 of the chip's answer to that challenge (INTERNAL AUTHENTICATE: ECDSA P-256 over SHA-256, r‖s).")] string? ChallengeSignature = null)
{
    /// <summary>The chip data as the grain checks it (the validator has made sure every value decodes), with the challenge the token carries.</summary>
    public ChipRead ToChipRead(byte[]? challenge) => new(Convert.FromBase64String(SecurityObject!),
        DataGroups!.ToDictionary(d => int.Parse(d.Key, System.Globalization.CultureInfo.InvariantCulture), d => Convert.FromBase64String(d.Value)),
        challenge, ChallengeSignature is null ? null : Convert.FromBase64String(ChallengeSignature));
}

public sealed class NfcRecoveryValidator : AbstractValidator<NfcRecoveryRequest>
{
    // EF.SOD of a few kilobytes, data groups of at most 16 KiB (the platform reads DG1 and DG13; DG2's portrait is not sent).
    private const int MaxSecurityObjectBase64 = 32 * 1024 * 4 / 3 + 4;
    private const int MaxDataGroupBase64 = 16 * 1024 * 4 / 3 + 4;

    public NfcRecoveryValidator()
    {
        RuleFor(r => r.SecurityObject).NotEmpty().MaximumLength(MaxSecurityObjectBase64).Must(BeBase64).WithMessage("EF.SOD must be base64.");
        RuleFor(r => r.DataGroups).NotNull().Must(d => d is null || d.Count is >= 1 and <= 16)
            .WithMessage("Between 1 and 16 data groups, by number.");
        RuleForEach(r => r.DataGroups).Must(d => int.TryParse(d.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                                                 && n is >= 1 and <= 16 && d.Key == n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithMessage("A data group is named by its number, 1 to 16.")
            .Must(d => d.Value is { Length: > 0 and <= MaxDataGroupBase64 } && BeBase64(d.Value))
            .WithMessage("Each data group is base64, at most 16 KiB.");
        RuleFor(r => r.ChallengeToken).NotEmpty().MaximumLength(64).WithMessage("The challenge token of POST /api/v1/recovery/{idNumber}/nfc/challenge is required.");
        RuleFor(r => r.ChallengeSignature).NotEmpty().MaximumLength(512).Must(BeBase64).WithMessage("The chip's answer to the challenge is required, base64.");
    }

    private static bool BeBase64(string? text)
    {
        if (string.IsNullOrEmpty(text)) return false;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
