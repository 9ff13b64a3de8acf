using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// A citizen's level-1 declaration (Decision 34 art. 6 §4 a-d). The phone the declarer types is only compared with the
/// registry's: the activation code goes to the phone on record, never to a typed one.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.DeclareAccount")]
public sealed record DeclareAccount(
    [property: Id(0)] string FullName,
    [property: Id(1)] DateOnly DateOfBirth,
    [property: Id(2)] Gender Gender,
    [property: Id(3)] string? Phone);

/// <summary>Who performs an action, as the gateway authenticated them.</summary>
[GenerateSerializer, Immutable, Alias("vneid.Actor")]
public sealed record Actor(
    [property: Id(0)] ActorRole Role,
    [property: Id(1)] string Id);

/// <summary>Forgotten password, step one (docs/domain.md, "The procedures"): the registered phone and the personal details the registry holds.</summary>
[GenerateSerializer, Immutable, Alias("vneid.StartRecovery")]
public sealed record StartRecovery(
    // The phone registered on the account (the code goes to it), or null when the e-mail is given instead.
    [property: Id(0)] string? Phone,
    [property: Id(1)] string FullName,
    [property: Id(2)] DateOnly DateOfBirth,
    // Required with the phone; with the e-mail only when the registry records a card.
    [property: Id(3)] DateOnly? CardIssuedOn,
    // The account's confirmed e-mail address (the code goes to it), instead of the phone.
    [property: Id(4)] string? Email = null);

/// <summary>What a matched level-2 dossier hands to the account. It carries decisions and scores, never templates.</summary>
[GenerateSerializer, Immutable, Alias("vneid.Level2Upgrade")]
public sealed record Level2Upgrade(
    [property: Id(0)] string DossierCode,
    [property: Id(1)] string OfficeCode,
    [property: Id(2)] Actor Officer,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Email,
    [property: Id(5)] IReadOnlyList<IntegratedDocument> Documents,
    [property: Id(6)] IReadOnlyList<string> Dependents,
    [property: Id(7)] string Decision);
