namespace Orleans.VNeID.Accounts;

/// <summary>
/// What a phone read from a chip ID card over NFC (ICAO 9303): the document security object (EF.SOD, signed by the
/// document signer) and the data groups, raw. The platform checks them by passive authentication before it trusts any.
/// </summary>
/// <remarks>
/// <see cref="Challenge"/> and <see cref="ChallengeSignature"/> are the chip's active authentication (ICAO 9303 part 11):
/// the platform's fresh challenge, signed inside the chip by the key whose public half is data group 15. Data copied
/// off a card can be replayed; that signature cannot, so it proves the chip itself is at the phone now.
/// </remarks>
[GenerateSerializer, Immutable, Alias("vneid.ChipRead")]
public sealed record ChipRead(
    [property: Id(0)] byte[] SecurityObject,
    [property: Id(1)] IReadOnlyDictionary<int, byte[]> DataGroups,
    [property: Id(2)] byte[]? Challenge = null,
    [property: Id(3)] byte[]? ChallengeSignature = null);
