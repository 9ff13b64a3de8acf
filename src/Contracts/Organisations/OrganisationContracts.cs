using System.Diagnostics.CodeAnalysis;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Organisations;

/// <summary>
/// An organisation's identifier in the national business-registration database: the enterprise code (mã số doanh
/// nghiệp, the tax code: ten digits), with a three-digit suffix for a branch or dependent unit (<c>0101234567-001</c>).
/// Only the canonical spelling parses, so one organisation never has two keys.
/// </summary>
public static class OrganisationId
{
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (value is { Length: 10 } && value.All(char.IsAsciiDigit)) return true;
        if (value is { Length: 14 } && value[10] == '-' && value[..10].All(char.IsAsciiDigit) && value[11..].All(char.IsAsciiDigit)) return true;
        error = "An organisation is named by its enterprise code: ten digits, or ten digits, a hyphen and three digits for a branch (0101234567-001).";
        return false;
    }
}

/// <summary>Where an organisation's e-ID account stands.</summary>
public enum OrganisationStatus
{
    /// <summary>No account: the register may know the organisation, the platform holds nothing for it.</summary>
    None = 0,
    /// <summary>Registered by its legal representative, matched against the register; waits for the representative's activation.</summary>
    PendingActivation = 1,
    Active = 2,
    /// <summary>Locked by its representative (or its representative's account): nobody signs in for it until unlocked.</summary>
    Locked = 3,
}

/// <summary>Why a person may act for an organisation.</summary>
public enum OrganisationRole
{
    /// <summary>The legal representative the business register records (người đại diện theo pháp luật).</summary>
    LegalRepresentative = 0,
    /// <summary>A citizen the representative authorised, within a scope and until a day.</summary>
    Authorised = 1,
}

/// <summary>What an authorised person may do for the organisation at relying parties (the representative may do all).</summary>
public static class OrganisationScopes
{
    public const string PublicServices = "public_services";
    public const string Tax = "tax";
    public const string SocialInsurance = "social_insurance";
    public const string Banking = "banking";

    public static readonly IReadOnlyList<string> All = [PublicServices, Tax, SocialInsurance, Banking];

    public static bool IsKnown(string scope) => All.Contains(scope);
}

/// <summary>One paper of the organisation as its register states it (the registration certificate first).</summary>
[GenerateSerializer, Immutable, Alias("vneid.OrganisationPaper")]
public sealed record OrganisationPaper(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Number,
    [property: Id(2)] string Issuer,
    [property: Id(3)] DateOnly IssuedOn,
    [property: Id(4)] DateOnly CheckedOn);

/// <summary>An authorisation the representative gave a citizen.</summary>
[GenerateSerializer, Immutable, Alias("vneid.OrganisationGrant")]
public sealed record OrganisationGrant(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string IdNumber,
    [property: Id(2)] IReadOnlyList<string> Scopes,
    [property: Id(3)] DateOnly ExpiresOn,
    [property: Id(4)] DateTimeOffset GrantedAt,
    [property: Id(5)] string GrantedBy,
    [property: Id(6)] DateTimeOffset? WithdrawnAt);

/// <summary>
/// One entry of the organisation's audit trail: when, who (an ID number, or "register"), what (in English, for the
/// logs), and its kind (<see cref="OrganisationTrail"/>) with the detail a page puts in its own words.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.OrganisationTrailEntry")]
public sealed record OrganisationTrailEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string What,
    [property: Id(3)] string Kind = "",
    [property: Id(4)] string Detail = "");

/// <summary>The kinds of the organisation's trail entries.</summary>
public static class OrganisationTrail
{
    public const string Registered = "registered";
    public const string Activated = "activated";
    public const string Locked = "locked";
    public const string Unlocked = "unlocked";
    public const string Authorised = "authorised";
    public const string Withdrawn = "withdrawn";
    public const string RepresentativeChanged = "representative_changed";
    public const string SignedIn = "signed_in";
}

/// <summary>The organisation's account as the people who act for it see it.</summary>
[GenerateSerializer, Immutable, Alias("vneid.OrganisationView")]
public sealed record OrganisationView(
    [property: Id(0)] string Identifier,
    [property: Id(1)] string Name,
    [property: Id(2)] string EnglishName,
    [property: Id(3)] string Kind,
    [property: Id(4)] string HeadOffice,
    [property: Id(5)] OrganisationStatus Status,
    // The caller's own role: the representative sees the grants and the trail, an authorised person only their own grant.
    [property: Id(6)] OrganisationRole Role,
    [property: Id(7)] IReadOnlyList<OrganisationPaper> Papers,
    [property: Id(8)] IReadOnlyList<OrganisationGrant> Grants,
    [property: Id(9)] IReadOnlyList<OrganisationTrailEntry> Trail,
    [property: Id(10)] DateTimeOffset? ActivatedAt);

/// <summary>What a person holds for an organisation right now: what a relying party is told when they sign in for it.</summary>
[GenerateSerializer, Immutable, Alias("vneid.OrganisationRoleView")]
public sealed record OrganisationRoleView(
    [property: Id(0)] string Identifier,
    [property: Id(1)] string Name,
    [property: Id(2)] string EnglishName,
    [property: Id(3)] string Kind,
    [property: Id(4)] string HeadOffice,
    [property: Id(5)] OrganisationRole Role,
    // The representative: every scope, no end but the register's.
    [property: Id(6)] IReadOnlyList<string> Scopes,
    [property: Id(7)] DateOnly? ExpiresOn,
    // When the register was last read for the organisation (the claims' verification time).
    [property: Id(8)] DateOnly CheckedOn);

/// <summary>
/// An organisation's e-ID account (Decree 59/2022: "tài khoản định danh điện tử của tổ chức"), keyed by its enterprise
/// code. Every call reads the business register first: a representative the register replaced loses the organisation
/// at that moment, and the new one holds it. The caller is named by their own account and session, checked here.
/// </summary>
public interface IOrganisationGrain : IGrainWithStringKey
{
    /// <summary>The representative on record registers the organisation from their level-2 account.</summary>
    Task<Result<OrganisationView>> RegisterAsync(string idNumber, string sessionId);

    /// <summary>The representative activates it, on a session that proved the phone on record with a code in the last 10 minutes.</summary>
    Task<Result<OrganisationView>> ActivateAsync(string idNumber, string sessionId);

    /// <summary>The organisation as the caller (its representative, or a citizen it authorised) may see it.</summary>
    Task<Result<OrganisationView>> GetAsync(string idNumber, string sessionId);

    Task<Result<OrganisationView>> LockAsync(string idNumber, string sessionId);

    Task<Result<OrganisationView>> UnlockAsync(string idNumber, string sessionId);

    /// <summary>The representative authorises a citizen, within <paramref name="scopes"/>, until the end of <paramref name="expiresOn"/>.</summary>
    Task<Result<OrganisationView>> AuthoriseAsync(string idNumber, string sessionId, string employeeId, IReadOnlyList<string> scopes, DateOnly expiresOn);

    /// <summary>The representative withdraws an authorisation, at once.</summary>
    Task<Result<OrganisationView>> WithdrawAsync(string idNumber, string sessionId, string grantId);

    /// <summary>The role <paramref name="idNumber"/> holds now (the register read, the account active, the grant in force), or null.</summary>
    Task<OrganisationRoleView?> RoleOfAsync(string idNumber);

    /// <summary>A person signed in for the organisation at a relying party: written to its trail.</summary>
    Task RecordUseAsync(string idNumber, string relyingParty);
}

/// <summary>
/// The organisations a citizen acts for, keyed by ID number: those the business register names them representative of,
/// and those whose representative authorised them (kept here, the index the provider's choice page reads).
/// </summary>
public interface IOrganisationRolesGrain : IGrainWithStringKey
{
    Task AddAsync(string organisation);

    Task RemoveAsync(string organisation);

    /// <summary>The organisations the register names the citizen representative of, and those that authorised them (unchecked).</summary>
    Task<IReadOnlyList<string>> CandidatesAsync();

    /// <summary>Every organisation the citizen may act for now, each checked by the organisation's account.</summary>
    Task<IReadOnlyList<OrganisationRoleView>> ListAsync();
}
