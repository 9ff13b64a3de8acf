using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Accounts;

/// <summary>How the HTTP edge should answer an expected failure.</summary>
public enum ErrorKind
{
    Validation = 0,
    Unauthorized = 1,
    Forbidden = 2,
    NotFound = 3,
    Conflict = 4,
    Unprocessable = 5,
    TooManyRequests = 6,
}

/// <summary>An expected failure with a stable machine-readable code (the <c>code</c> of the problem details).</summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountError")]
public sealed record AccountError(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Detail)
{
    /// <summary>For lifecycle conflicts: the state the account is in.</summary>
    [Id(3)] public AccountStatus? State { get; init; }

    /// <summary>For lifecycle conflicts: the triggers that state permits.</summary>
    [Id(4)] public IReadOnlyList<AccountTrigger>? PermittedTriggers { get; init; }

    /// <summary>For limits: seconds until the request may succeed.</summary>
    [Id(5)] public int? RetryAfterSeconds { get; init; }

    /// <summary>For validation: field name → messages.</summary>
    [Id(6)] public IReadOnlyDictionary<string, string[]>? FieldErrors { get; init; }
}

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
    [property: Id(12)] DateTimeOffset? OtpExpiresAt);

[GenerateSerializer, Immutable, Alias("vneid.LockView")]
public sealed record LockView(
    [property: Id(0)] string Reason,
    [property: Id(1)] ActorRole LockedBy,
    [property: Id(2)] DateTimeOffset LockedAt,
    [property: Id(3)] AccountStatus ReturnsTo);

/// <summary>The answer to an account command: the account as it now is, or why the command was refused.</summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountResult")]
public sealed record AccountResult(
    [property: Id(0)] AccountView? Account,
    [property: Id(1)] AccountError? Error)
{
    public bool Succeeded => Error is null;

    public static AccountResult Ok(AccountView account) => new(account, null);

    public static AccountResult Fail(AccountError error) => new(null, error);
}

/// <summary>
/// A verified login (or refresh): what the gateway needs to sign an access token, and the new refresh token.
/// The refresh token is returned once and stored only as a hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.LoginGrant")]
public sealed record LoginGrant(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] AccountLevel Level,
    [property: Id(2)] string SessionId,
    [property: Id(3)] string RefreshToken,
    [property: Id(4)] DateTimeOffset RefreshExpiresAt);

[GenerateSerializer, Immutable, Alias("vneid.LoginResult")]
public sealed record LoginResult(
    [property: Id(0)] LoginGrant? Grant,
    [property: Id(1)] AccountError? Error);

/// <summary>
/// The answer to a declaration that matched the registry. It is the same whether the account is new or already
/// existed (then the owner is told), so a declaration does not reveal who has an account.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.DeclarationResult")]
public sealed record DeclarationResult(
    [property: Id(0)] int CodeValiditySeconds,
    [property: Id(1)] AccountError? Error)
{
    public bool Succeeded => Error is null;
}

[GenerateSerializer, Immutable, Alias("vneid.WalletResult")]
public sealed record WalletResult(
    [property: Id(0)] IReadOnlyList<Dossiers.IntegratedDocument>? Documents,
    [property: Id(1)] AccountError? Error);

/// <summary>Where a profile field's value comes from (DOMAIN.md §6: green = verified, yellow = self-declared).</summary>
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

/// <summary>The citizen's own profile, field by field, with the dependents declared at a police office.</summary>
[GenerateSerializer, Immutable, Alias("vneid.ProfileView")]
public sealed record ProfileView(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] AccountLevel Level,
    [property: Id(2)] IReadOnlyList<ProfileField> Fields,
    [property: Id(3)] IReadOnlyList<string> Dependents);
