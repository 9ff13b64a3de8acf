using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Organisations;

namespace Orleans.VNeID.Grains.Organisations;

/// <summary>
/// <inheritdoc cref="IOrganisationGrain"/>
/// The rules: only the representative on record registers, activates (after a fresh code to their phone), locks,
/// unlocks, authorises and withdraws, each from an open session of their own level-2 account; an authorised citizen sees
/// the organisation and their own grant only; the trail keeps every change and every sign-in for the organisation.
/// </summary>
public sealed class OrganisationGrain(
    [PersistentState("organisation", PlatformNames.AccountStorage)] IPersistentState<OrganisationState> storage,
    IOrganisationRegister register,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<OrganisationGrain> logger)
    : Grain, IOrganisationGrain
{
    /// <summary>How many trail entries the account keeps (the newest); older ones are in the platform's logs.</summary>
    public const int TrailKept = 500;

    /// <summary>How many citizens an organisation may have authorised at once.</summary>
    public const int MaxGrants = 200;

    /// <summary>The longest an authorisation may run: five years, after which the representative renews it.</summary>
    public static readonly TimeSpan LongestGrant = TimeSpan.FromDays(5 * 366);

    private OrganisationState State => storage.State;
    private string Identifier => this.GetPrimaryKeyString();

    public async Task<Result<OrganisationView>> RegisterAsync(string idNumber, string sessionId)
    {
        var (organisation, refused) = await RepresentativeAsync(idNumber, sessionId, registering: true);
        if (refused is not null) return refused;
        if (State.Status != OrganisationStatus.None) return ErrorCatalogue.OrganisationExists.Refuse();
        State.Status = OrganisationStatus.PendingActivation;
        State.RepresentativeId = idNumber;
        State.RegisteredAt = clock.GetUtcNow();
        Trail(idNumber, OrganisationTrail.Registered, "", "registered the organisation's account (matched with the business register)");
        await storage.WriteStateAsync();
        return Result.Ok(View(organisation!, OrganisationRole.LegalRepresentative));
    }

    public async Task<Result<OrganisationView>> ActivateAsync(string idNumber, string sessionId)
    {
        var (organisation, refused) = await RepresentativeAsync(idNumber, sessionId);
        if (refused is not null) return refused;
        if (State.Status != OrganisationStatus.PendingActivation)
            return ErrorCatalogue.InvalidState.Refuse("Only an organisation's account waiting for activation is activated.");
        if (!await Account(idNumber).HasFreshCodeAsync(sessionId)) return ErrorCatalogue.FreshCodeRequired.Refuse(
            "Activating an organisation's account needs a code sent to the representative's phone, confirmed on this session in the last 10 minutes.");
        State.Status = OrganisationStatus.Active;
        State.ActivatedAt = clock.GetUtcNow();
        Trail(idNumber, OrganisationTrail.Activated, "", "activated the organisation's account");
        await storage.WriteStateAsync();
        return Result.Ok(View(organisation!, OrganisationRole.LegalRepresentative));
    }

    public async Task<Result<OrganisationView>> GetAsync(string idNumber, string sessionId)
    {
        var organisation = await ReadRegisterAsync();
        if (organisation is null || State.Status == OrganisationStatus.None || !await SignedInAsync(idNumber, sessionId))
            return ErrorCatalogue.OrganisationNotFound.Refuse();
        if (State.RepresentativeId == idNumber) return Result.Ok(View(organisation, OrganisationRole.LegalRepresentative));
        return ActiveGrant(idNumber) is { } grant
            ? Result.Ok(View(organisation, OrganisationRole.Authorised, grant))
            : ErrorCatalogue.OrganisationNotFound.Refuse();
    }

    public Task<Result<OrganisationView>> LockAsync(string idNumber, string sessionId) =>
        ChangeStatusAsync(idNumber, sessionId, OrganisationStatus.Active, OrganisationStatus.Locked, OrganisationTrail.Locked, "locked the organisation's account");

    public Task<Result<OrganisationView>> UnlockAsync(string idNumber, string sessionId) =>
        ChangeStatusAsync(idNumber, sessionId, OrganisationStatus.Locked, OrganisationStatus.Active, OrganisationTrail.Unlocked, "unlocked the organisation's account");

    private async Task<Result<OrganisationView>> ChangeStatusAsync(string idNumber, string sessionId, OrganisationStatus from, OrganisationStatus to,
        string kind, string what)
    {
        var (organisation, refused) = await RepresentativeAsync(idNumber, sessionId);
        if (refused is not null) return refused;
        if (State.Status != from) return ErrorCatalogue.InvalidState.Refuse($"The organisation's account is {State.Status}, not {from}.");
        State.Status = to;
        Trail(idNumber, kind, "", what);
        await storage.WriteStateAsync();
        return Result.Ok(View(organisation!, OrganisationRole.LegalRepresentative));
    }

    public async Task<Result<OrganisationView>> AuthoriseAsync(string idNumber, string sessionId, string employeeId, IReadOnlyList<string> scopes, DateOnly expiresOn)
    {
        var (organisation, refused) = await RepresentativeAsync(idNumber, sessionId);
        if (refused is not null) return refused;
        if (State.Status != OrganisationStatus.Active) return ErrorCatalogue.OrganisationNotActive.Refuse();
        var today = VietnamTime.Today(clock);
        if (!IdentityNumber.TryParse(employeeId, out _, out _) || employeeId == idNumber || scopes.Count == 0 || !scopes.All(OrganisationScopes.IsKnown) ||
            expiresOn < today || expiresOn > today.AddDays((int)LongestGrant.TotalDays))
            return ErrorCatalogue.ValidationFailed.Refuse(
                "An authorisation names another person's ID number, one or more known scopes, and a last day from today to five years ahead.");
        // One grant per person: a new one replaces the one in force.
        var replaced = ActiveGrant(employeeId);
        if (replaced is not null) Withdraw(replaced, idNumber, "replaced by a new authorisation");
        if (State.Grants.Count(g => g.WithdrawnAt is null && g.ExpiresOn >= today) >= MaxGrants)
            return ErrorCatalogue.ValidationFailed.Refuse($"An organisation authorises at most {MaxGrants} people at once: withdraw one first.");
        var grant = new OrganisationGrant($"g{++State.LastGrant}", employeeId, scopes.Distinct().Order(StringComparer.Ordinal).ToArray(), expiresOn,
            clock.GetUtcNow(), idNumber, null);
        State.Grants.Add(grant);
        // Old grants that ended long ago leave the account; the trail keeps their story.
        State.Grants.RemoveAll(g => (g.WithdrawnAt is { } w && clock.GetUtcNow() - w > TimeSpan.FromDays(366)) || g.ExpiresOn < today.AddDays(-366));
        Trail(idNumber, OrganisationTrail.Authorised, $"{employeeId}: {string.Join(", ", grant.Scopes)}, {expiresOn:yyyy-MM-dd}", $"authorised {employeeId} for {string.Join(", ", grant.Scopes)} until {expiresOn:yyyy-MM-dd} ({grant.GrantId})");
        await storage.WriteStateAsync();
        await GrainFactory.GetGrain<IOrganisationRolesGrain>(employeeId).AddAsync(Identifier);
        return Result.Ok(View(organisation!, OrganisationRole.LegalRepresentative));
    }

    public async Task<Result<OrganisationView>> WithdrawAsync(string idNumber, string sessionId, string grantId)
    {
        var (organisation, refused) = await RepresentativeAsync(idNumber, sessionId);
        if (refused is not null) return refused;
        if (State.Grants.FirstOrDefault(g => g.GrantId == grantId && g.WithdrawnAt is null) is not { } grant)
            return ErrorCatalogue.NotFound.Refuse("The organisation has no authorisation in force with this id.");
        Withdraw(grant, idNumber, "withdrew");
        await storage.WriteStateAsync();
        await GrainFactory.GetGrain<IOrganisationRolesGrain>(grant.IdNumber).RemoveAsync(Identifier);
        return Result.Ok(View(organisation!, OrganisationRole.LegalRepresentative));
    }

    public async Task<OrganisationRoleView?> RoleOfAsync(string idNumber)
    {
        var organisation = await ReadRegisterAsync();
        if (organisation is null || State.Status != OrganisationStatus.Active) return null;
        var today = VietnamTime.Today(clock);
        if (State.RepresentativeId == idNumber)
            return Role(organisation, OrganisationRole.LegalRepresentative, OrganisationScopes.All, null, today);
        return ActiveGrant(idNumber) is { } grant ? Role(organisation, OrganisationRole.Authorised, grant.Scopes, grant.ExpiresOn, today) : null;
    }

    public async Task RecordUseAsync(string idNumber, string relyingParty)
    {
        Trail(idNumber, OrganisationTrail.SignedIn, relyingParty, $"signed in for the organisation at {relyingParty}");
        await storage.WriteStateAsync();
    }

    /// <summary>
    /// The register's record, read on every call; a representative the register replaced loses the organisation here and
    /// the new one holds it (its trail says so). Null: the register no longer has it operating.
    /// </summary>
    private async Task<RegisteredOrganisation?> ReadRegisterAsync()
    {
        var organisation = await register.FindAsync(Identifier);
        if (organisation is null || !organisation.Operating) return null;
        if (State.Status != OrganisationStatus.None && State.RepresentativeId is { } held && held != organisation.RepresentativeId)
        {
            State.RepresentativeId = organisation.RepresentativeId;
            Trail("register", OrganisationTrail.RepresentativeChanged, $"{held} → {organisation.RepresentativeId}", $"the business register names {organisation.RepresentativeId} as the legal representative: {held}'s access ended");
            logger.LogInformation("Organisation {Organisation}: the register changed its representative", Identifier);
            await storage.WriteStateAsync();
        }
        return organisation;
    }

    /// <summary>The register's organisation when the caller is its representative on record, signed in at level 2.</summary>
    private async Task<(RegisteredOrganisation?, Refusal?)> RepresentativeAsync(string idNumber, string sessionId, bool registering = false)
    {
        var organisation = await ReadRegisterAsync();
        if (organisation is null || (!registering && State.Status == OrganisationStatus.None)) return (null, ErrorCatalogue.OrganisationNotFound.Refuse());
        if (await Account(idNumber).GetForSessionAsync(sessionId) is not { } view) return (null, ErrorCatalogue.TokenRevoked.Refuse());
        if (organisation.RepresentativeId != idNumber) return (null, ErrorCatalogue.NotTheRepresentative.Refuse());
        if (view.Level != AccountLevel.Level2)
            return (null, ErrorCatalogue.Level2Required.Refuse("An organisation's account is held by its representative's level-2 account."));
        return (organisation, null);
    }

    private async Task<bool> SignedInAsync(string idNumber, string sessionId) => await Account(idNumber).GetForSessionAsync(sessionId) is not null;

    private ICitizenAccountGrain Account(string idNumber) => GrainFactory.GetGrain<ICitizenAccountGrain>(idNumber);

    private OrganisationGrant? ActiveGrant(string idNumber)
    {
        var today = VietnamTime.Today(clock);
        return State.Grants.LastOrDefault(g => g.IdNumber == idNumber && g.WithdrawnAt is null && g.ExpiresOn >= today);
    }

    private void Withdraw(OrganisationGrant grant, string by, string how)
    {
        State.Grants[State.Grants.IndexOf(grant)] = grant with { WithdrawnAt = clock.GetUtcNow() };
        Trail(by, OrganisationTrail.Withdrawn, grant.IdNumber, $"{how} the authorisation of {grant.IdNumber} ({grant.GrantId})");
    }

    private void Trail(string actor, string kind, string detail, string what)
    {
        State.Trail.Add(new OrganisationTrailEntry(clock.GetUtcNow(), actor, what, kind, detail));
        if (State.Trail.Count > TrailKept) State.Trail.RemoveRange(0, State.Trail.Count - TrailKept);
    }

    private OrganisationView View(RegisteredOrganisation organisation, OrganisationRole role, OrganisationGrant? own = null)
    {
        var representative = role == OrganisationRole.LegalRepresentative;
        return new OrganisationView(organisation.Identifier, organisation.Name, organisation.EnglishName, organisation.Kind, organisation.HeadOffice,
            State.Status, role, Papers(organisation), representative ? State.Grants.ToArray() : own is null ? [] : [own],
            representative ? State.Trail.AsEnumerable().Reverse().ToArray() : [], State.ActivatedAt);
    }

    private IReadOnlyList<OrganisationPaper> Papers(RegisteredOrganisation organisation) =>
        [new OrganisationPaper("registration_certificate", organisation.CertificateNumber, organisation.Issuer, organisation.CertificateIssuedOn, VietnamTime.Today(clock))];

    private static OrganisationRoleView Role(RegisteredOrganisation organisation, OrganisationRole role, IReadOnlyList<string> scopes, DateOnly? expiresOn, DateOnly today) =>
        new(organisation.Identifier, organisation.Name, organisation.EnglishName, organisation.Kind, organisation.HeadOffice, role, scopes, expiresOn, today);
}

/// <summary>What the platform keeps of an organisation's account (the register keeps the rest).</summary>
[GenerateSerializer, Alias("vneid.OrganisationState")]
public sealed class OrganisationState
{
    [Id(0)] public OrganisationStatus Status { get; set; }
    [Id(1)] public string? RepresentativeId { get; set; }
    [Id(2)] public DateTimeOffset? RegisteredAt { get; set; }
    [Id(3)] public DateTimeOffset? ActivatedAt { get; set; }
    [Id(4)] public List<OrganisationGrant> Grants { get; set; } = [];
    [Id(5)] public List<OrganisationTrailEntry> Trail { get; set; } = [];
    [Id(6)] public long LastGrant { get; set; }
}

/// <inheritdoc cref="IOrganisationRolesGrain"/>
public sealed class OrganisationRolesGrain(
    [PersistentState("organisation-roles", PlatformNames.AccountStorage)] IPersistentState<OrganisationMemberships> storage,
    IOrganisationRegister register)
    : Grain, IOrganisationRolesGrain
{
    public async Task AddAsync(string organisation)
    {
        if (!storage.State.Organisations.Add(organisation)) return;
        await storage.WriteStateAsync();
    }

    public async Task RemoveAsync(string organisation)
    {
        if (!storage.State.Organisations.Remove(organisation)) return;
        await storage.WriteStateAsync();
    }

    public async Task<IReadOnlyList<string>> CandidatesAsync() =>
        (await register.RepresentedByAsync(this.GetPrimaryKeyString())).Union(storage.State.Organisations).Distinct(StringComparer.Ordinal).Take(50).ToArray();

    public async Task<IReadOnlyList<OrganisationRoleView>> ListAsync()
    {
        var idNumber = this.GetPrimaryKeyString();
        var candidates = await CandidatesAsync();
        var roles = await Task.WhenAll(candidates.Select(o => GrainFactory.GetGrain<IOrganisationGrain>(o).RoleOfAsync(idNumber)));
        return roles.OfType<OrganisationRoleView>().OrderBy(r => r.Role).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }
}

[GenerateSerializer, Alias("vneid.OrganisationMemberships")]
public sealed class OrganisationMemberships
{
    [Id(0)] public HashSet<string> Organisations { get; set; } = new(StringComparer.Ordinal);
}
