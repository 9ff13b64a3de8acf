namespace Orleans.VNeID.Accounts;

/// <summary>
/// What a phone read from a chip ID card over NFC (ICAO 9303): the document security object (EF.SOD, signed by the
/// document signer) and the data groups, raw. The platform checks them by passive authentication before it trusts any.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.ChipRead")]
public sealed record ChipRead(
    [property: Id(0)] byte[] SecurityObject,
    [property: Id(1)] IReadOnlyDictionary<int, byte[]> DataGroups);
