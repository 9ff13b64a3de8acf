using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Accounts;

/// <summary>What a reader may see of an account. The phone number is masked; no secret is ever here.</summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountView")]
public sealed record AccountView(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] AccountStatus Status,
    [property: Id(2)] AccountLevel Level,
    [property: Id(3)] AccountLevel ActivationTarget,
    [property: Id(4)] string FullName,
    [property: Id(5)] DateOnly DateOfBirth,
    [property: Id(6)] Gender Gender,
    [property: Id(7)] string? MaskedPhone,
    [property: Id(8)] string? Email,
    [property: Id(9)] DateTimeOffset DeclaredAt,
    [property: Id(10)] DateTimeOffset? ActivatedAt,
    [property: Id(11)] LockView? Lock,
    [property: Id(12)] DateTimeOffset? OtpExpiresAt,
    // How many passkeys the account holds (its factors: the password, the phone on record, and these).
    [property: Id(13)] int Passkeys = 0,
    // A foreigner's passport in force (CCC-NUMBER), when the immigration database renewed the one the account is keyed by.
    [property: Id(14)] string? TravelDocument = null);

[GenerateSerializer, Immutable, Alias("vneid.LockView")]
public sealed record LockView(
    [property: Id(0)] string Reason,
    [property: Id(1)] ActorRole LockedBy,
    [property: Id(2)] DateTimeOffset LockedAt,
    [property: Id(3)] AccountStatus ReturnsTo);

/// <summary>
/// A verified login (or refresh): what the gateway needs to sign an access token, and the new refresh token.
/// The refresh token is returned once and stored only as a hash.
/// </summary>
/// <remarks>
/// <see cref="CodeAdvised"/>: the account's risk rule (wrong passwords since its last sign-in) says a sign-in elsewhere
/// should also prove the phone on record; the OpenID Connect provider then asks for a code.
/// </remarks>
[GenerateSerializer, Immutable, Alias("vneid.LoginGrant")]
public sealed record LoginGrant(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] AccountLevel Level,
    [property: Id(2)] string SessionId,
    [property: Id(3)] string RefreshToken,
    [property: Id(4)] DateTimeOffset RefreshExpiresAt,
    [property: Id(5)] bool CodeAdvised = false);

/// <summary>One open session as its owner sees it: a handle (not the session's id), when it opened, the device's description.</summary>
[GenerateSerializer, Immutable, Alias("vneid.SessionSummary")]
public sealed record SessionSummary(
    [property: Id(0)] string Handle,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] string? Device,
    [property: Id(3)] bool Current);

/// <summary>Where a profile field's value comes from (docs/domain.md, look-ups: green = verified, yellow = self-declared).</summary>
public enum FieldSource
{
    VerifiedByRegistry = 0,
    SelfDeclared = 1,
}

[GenerateSerializer, Immutable, Alias("vneid.ProfileField")]
public sealed record ProfileField(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Value,
    [property: Id(2)] FieldSource Source);

/// <summary>A child under 14 the population database records for the account's owner as father or mother.</summary>
[GenerateSerializer, Immutable, Alias("vneid.ChildView")]
public sealed record ChildView(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] string FullName,
    [property: Id(2)] DateOnly DateOfBirth,
    // Declared as a dependent of this account at a police office.
    [property: Id(3)] bool Dependent,
    // The child's papers integrated on this account by an officer: a dependent's only, and only while under 14.
    [property: Id(4)] IReadOnlyList<Orleans.VNeID.Dossiers.IntegratedDocument> Documents,
    [property: Id(5)] Gender Gender = Gender.Male,
    // How the population database links the owner to the child: "father" or "mother".
    [property: Id(6)] string Relationship = "parent");

/// <summary>One notice of the account's in-app list: what the platform told the citizen and when.</summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountNotice")]
public sealed record AccountNotice(
    [property: Id(0)] string Id,
    [property: Id(1)] string Text,
    [property: Id(2)] DateTimeOffset At);

/// <summary>The citizen's own profile, field by field, with the dependents declared at a police office.</summary>
[GenerateSerializer, Immutable, Alias("vneid.ProfileView")]
public sealed record ProfileView(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] AccountLevel Level,
    [property: Id(2)] IReadOnlyList<ProfileField> Fields,
    [property: Id(3)] IReadOnlyList<string> Dependents);

/// <summary>
/// How the account's identity data was verified: against the population database when it was declared (level 1), and,
/// for a level-2 account, by an officer at a police office with the citizen and their papers present.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.VerificationView")]
public sealed record VerificationView(
    [property: Id(0)] DateTimeOffset RegistryCheckedAt,
    [property: Id(1)] InPersonVerification? InPerson);

[GenerateSerializer, Immutable, Alias("vneid.InPersonVerification")]
public sealed record InPersonVerification(
    [property: Id(0)] string DossierCode,
    [property: Id(1)] string OfficeCode,
    [property: Id(2)] string OfficerId,
    [property: Id(3)] DateTimeOffset CheckedAt);
