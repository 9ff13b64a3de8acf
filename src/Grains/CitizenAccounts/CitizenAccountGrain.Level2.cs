using Microsoft.Extensions.Logging;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>Level 2 at the desk: the upgrade a matched dossier starts, the document wallet, the verified profile.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<AccountView>> StartLevel2Async(Level2Upgrade upgrade)
    {
        if (!IdentityNumber.TryParse(AccountId, out var id, out var idError))
            return AccountRefusals.Validation(new() { ["idNumber"] = [idError] });
        if (Exists && State.Lifecycle.Status == AccountStatus.Locked) return _lifecycle.WithState(ErrorCatalogue.AccountLocked.Refuse());
        if (!_lifecycle.CanFire(AccountTrigger.MatchBiometrics)) return _lifecycle.ConflictFor(AccountTrigger.MatchBiometrics);

        var now = Now();
        if (!Exists)
        {
            // A citizen without an account gets one from the dossier: the registry's data, the contacts given at the desk.
            if (await registry.FindAsync(id) is not { } citizen) return AccountRefusals.NotFound();
            CopyFromRegistry(citizen);
            State.DeclaredAt = now;
            State.Phone = citizen.Phone;
        }
        // Contacts the officer recorded at the desk, the citizen present: the previous ones are told of the change.
        ChangeContacts(string.IsNullOrWhiteSpace(upgrade.Phone) ? State.Phone : upgrade.Phone.Trim(),
            string.IsNullOrWhiteSpace(upgrade.Email) ? State.Email : upgrade.Email.Trim(),
            upgrade.Officer, $"dossier {upgrade.DossierCode} at {upgrade.OfficeCode}", now);
        var (papers, leftOut) = await RegisteredPapersAsync(upgrade.Documents);
        State.PendingDocuments = papers;
        State.InPersonCheck = new InPersonCheck { DossierCode = upgrade.DossierCode, OfficeCode = upgrade.OfficeCode, OfficerId = upgrade.Officer.Id, CheckedAt = now };
        foreach (var child in upgrade.Dependents) if (!State.Dependents.Contains(child)) State.Dependents.Add(child);

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchBiometrics);
        State.Otp = codes.Issue(State, AccountId, now, CodeBudget.Office, out var code);
        Raise(AccountEventKind.Level2Approved, outcome, upgrade.Officer, upgrade.Decision + leftOut, now, ToOwner(code));
        await CommitAsync();
        return Result.Ok(View());
    }

    public Task<VerificationView?> GetVerificationAsync() =>
        Task.FromResult(!Exists || !_lifecycle.IsActive ? null :
            new VerificationView(State.DeclaredAt, _lifecycle.Level == AccountLevel.Level2 && State.InPersonCheck is { } check
                ? new InPersonVerification(check.DossierCode, check.OfficeCode, check.OfficerId, check.CheckedAt)
                : null));

    public async Task<Result<IReadOnlyList<IntegratedDocument>>> GetWalletAsync()
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (_lifecycle.Level != AccountLevel.Level2) return AccountRefusals.Level2Required();
        return Result.Ok<IReadOnlyList<IntegratedDocument>>(await StandingAsync(State.Wallet));
    }

    /// <summary>
    /// The papers that still stand in their registers today: a revocation, an expiry or a change of holder there takes a
    /// paper out of the wallet's view (and its credentials read invalid). The chip card, the passport and a child's
    /// birth certificate come from registries of their own.
    /// </summary>
    private async Task<IntegratedDocument[]> StandingAsync(IEnumerable<IntegratedDocument> papers)
    {
        var today = VietnamTime.Today(clock);
        var standing = new List<IntegratedDocument>();
        foreach (var paper in papers)
            if (!DocumentNumbers.Registered.Contains(paper.Kind) || DocumentCheck.StillStands(await registers.FindAsync(paper.Kind, paper.Number), AccountId, today))
                standing.Add(paper);
        return [.. standing];
    }

    public async Task<Result<IReadOnlyList<IntegratedDocument>>> AddDocumentAsync(IntegratedDocument document, string? reason = null)
    {
        var (refused, exception) = StaffRule(new Actor(ActorRole.Officer, document.VerifiedBy), reason, "changed the wallet of");
        if (refused is not null) return refused;
        if (!Exists) return AccountRefusals.NotFound();
        if (State.Lifecycle.Status != AccountStatus.Level2) return AccountRefusals.Level2Required();
        // The register's facts, not what was typed: a paper the register does not give this holder, valid, never enters.
        var record = await registers.FindAsync(document.Kind, document.Number);
        if (DocumentCheck.Refusal(record, AccountId, VietnamTime.Today(clock)) is { } refusal) return refusal.Refuse();
        return await PutInWalletAsync(record!.ToDocument(document.VerifiedBy, document.VerifiedAtOffice),
            new Actor(ActorRole.Officer, document.VerifiedBy), $"at {document.VerifiedAtOffice}{exception}");
    }

    public async Task<Result<IReadOnlyList<IntegratedDocument>>> IntegrateFromRegisterAsync(DocumentKind kind, string number)
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (State.Lifecycle.Status != AccountStatus.Level2) return AccountRefusals.Level2Required();
        var record = await registers.FindAsync(kind, number);
        var refusal = DocumentCheck.Refusal(record, AccountId, VietnamTime.Today(clock));
        // Another person's paper answers like one the register does not hold: a citizen cannot probe the registers.
        if (refusal == ErrorCatalogue.DocumentOtherPerson) refusal = ErrorCatalogue.DocumentNotRegistered;
        if (refusal is not null) return refusal.Refuse();
        return await PutInWalletAsync(record!.ToDocument(IntegratedDocument.RegisterEvidence, IntegratedDocument.RegisterEvidence), new Actor(ActorRole.Citizen, AccountId),
            "from its register at the owner's request");
    }

    /// <summary>
    /// The dossier's papers as their registers state them (the chip card and the passport come from their own
    /// registries); a paper a register refuses is left out, and named with its code for the audit entry.
    /// </summary>
    private async Task<(List<IntegratedDocument> Kept, string LeftOut)> RegisteredPapersAsync(IEnumerable<IntegratedDocument> papers)
    {
        var kept = new List<IntegratedDocument>();
        var leftOut = new List<string>();
        foreach (var paper in papers)
        {
            if (paper.Kind is DocumentKind.IdCard or DocumentKind.Passport)
            {
                kept.Add(paper);
                continue;
            }
            var record = await registers.FindAsync(paper.Kind, paper.Number);
            if (DocumentCheck.Refusal(record, AccountId, VietnamTime.Today(clock)) is { } refusal) leftOut.Add($"{paper.Kind} ({refusal.Code})");
            else kept.Add(record!.ToDocument(paper.VerifiedBy, paper.VerifiedAtOffice));
        }
        return (kept, leftOut.Count == 0 ? "" : "; papers left out, refused by their registers: " + string.Join(", ", leftOut));
    }

    private async Task<Result<IReadOnlyList<IntegratedDocument>>> PutInWalletAsync(IntegratedDocument document, Actor actor, string how)
    {
        var replaced = State.Wallet.RemoveAll(d => d.Kind == document.Kind && d.Number == document.Number) > 0;
        State.Wallet.Add(document);
        Raise(AccountEventKind.WalletChanged, Unchanged(), actor, $"{(replaced ? "replaced" : "added")} {document.Kind} {how}", Now(), ToOwner(code: null));
        await CommitAsync();
        return Result.Ok<IReadOnlyList<IntegratedDocument>>(State.Wallet.ToArray());
    }

    public async Task<Result<bool>> RecordStaffReadAsync(Actor staff, string? office, string what, string? reason)
    {
        var (refused, exception) = StaffRule(staff, reason, $"read {what} of");
        if (refused is not null) return refused;
        if (!Exists) return Result.Ok(true);
        Raise(AccountEventKind.StaffRead, Unchanged(), staff, $"{what} read{(office is null ? "" : $" at {office}")}{exception}", Now());
        await CommitAsync();
        return Result.Ok(true);
    }

    /// <summary>
    /// <see cref="Orleans.VNeID.Grains.Staff.StaffAccessRule"/> for a staff member's read or change: the refusal when a reason is needed and
    /// none was given; otherwise the mark for the audit entry (empty for the desk's ordinary work, the reason for an
    /// exception, which is also reported to operators).
    /// </summary>
    private (Refusal? Refusal, string Exception) StaffRule(Actor staff, string? reason, string doing)
    {
        var verdict = Orleans.VNeID.Grains.Staff.StaffAccessRule.Decide(staff.Role, calendar.WhyClosed(Now()) is null, reason);
        if (verdict == Orleans.VNeID.Grains.Staff.StaffAccessVerdict.ReasonRequired)
            return (ErrorCatalogue.StaffReasonRequired.Refuse(staff.Role == ActorRole.Officer
                ? "Outside the office's hours an officer reads or changes a citizen's data only with a stated reason (X-Access-Reason), audited and reported."
                : "An operator reads or changes a citizen's personal data only with a stated reason (X-Access-Reason), audited and reported."), "");
        if (verdict == Orleans.VNeID.Grains.Staff.StaffAccessVerdict.Allowed) return (null, "");
        logger.LogWarning("ALERT: {Role} {Staff} {Doing} {Account} as an exception: {Reason}", staff.Role, staff.Id, doing, AccountId, reason);
        return (null, $" as an EXCEPTION: {reason!.Trim()}");
    }

    public async Task<bool> RecordDossierDecisionAsync(Actor officer, string dossierCode, string officeCode, string decision, string notice)
    {
        if (!Exists) return false;
        // The citizen is told the outcome in plain words (the seed: by the app, SMS or e-mail).
        Raise(AccountEventKind.DossierDecided, Unchanged(), officer, $"dossier {dossierCode} at {officeCode}: {decision}", Now(),
            ToOwner(code: null).Select(n => n with { Text = notice }).ToList());
        await CommitAsync();
        return true;
    }

    /// <summary>
    /// Rule: a parent's level-2 account lists their children under 14 (who cannot have accounts of their own) from the
    /// population database, with their ID numbers; level 1 is not enough, as for the dependents declared at an office.
    /// A dependent's papers integrated by an officer are shown with it while the child is under 14 (Decree 59/2022: a
    /// child's information is integrated into a parent's account); from 14 the child holds an account of their own.
    /// </summary>
    public async Task<Result<IReadOnlyList<ChildView>>> GetChildrenAsync()
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (_lifecycle.Level != AccountLevel.Level2) return AccountRefusals.Level2Required();
        return Result.Ok(await ChildrenUnder14Async());
    }

    public async Task<Result<ChildView>> ActForChildAsync(string sessionId, string childIdNumber, string serviceName)
    {
        if (OpenSession(sessionId) is null) return ErrorCatalogue.TokenRevoked.Refuse();
        if (_lifecycle.Level != AccountLevel.Level2) return AccountRefusals.Level2Required();
        if ((await ChildrenUnder14Async()).FirstOrDefault(c => c.IdNumber == childIdNumber) is not { } child)
            return ErrorCatalogue.NotADependent.Refuse("The population database records no child under 14 with this ID number for this account's owner.");
        var now = Now();
        var service = serviceName[..Math.Min(serviceName.Length, 80)];
        Raise(AccountEventKind.ActedForChild, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"for {child.FullName} at {service}", now,
            [SignInNotice($"Bạn vừa đăng nhập thay mặt con {child.FullName} tại {service}", now)]);
        await CommitAsync();
        return Result.Ok(child);
    }

    public async Task<Result<IReadOnlyList<ChildView>>> AddChildDocumentAsync(string childIdNumber, IntegratedDocument document, string? reason = null)
    {
        var (refused, exception) = StaffRule(new Actor(ActorRole.Officer, document.VerifiedBy), reason, "changed a dependent's papers of");
        if (refused is not null) return refused;
        if (!Exists) return AccountRefusals.NotFound();
        if (State.Lifecycle.Status != AccountStatus.Level2) return AccountRefusals.Level2Required();
        // Only a dependent declared at an office, and only while the population database still records a child under 14.
        if (!State.Dependents.Contains(childIdNumber) || !(await ChildrenUnder14Async()).Any(c => c.IdNumber == childIdNumber))
            return ErrorCatalogue.NotADependent.Refuse();
        var children = State.ChildDocuments ??= [];
        var papers = children.TryGetValue(childIdNumber, out var held) ? held : children[childIdNumber] = [];
        var replaced = papers.RemoveAll(d => d.Kind == document.Kind && d.Number == document.Number) > 0;
        papers.Add(document);
        Raise(AccountEventKind.WalletChanged, Unchanged(), new Actor(ActorRole.Officer, document.VerifiedBy),
            $"{(replaced ? "replaced" : "added")} {document.Kind} of dependent {childIdNumber} at {document.VerifiedAtOffice}{exception}", Now(), ToOwner(code: null));
        await CommitAsync();
        return Result.Ok(await ChildrenUnder14Async());
    }

    private async Task<IReadOnlyList<ChildView>> ChildrenUnder14Async()
    {
        var today = VietnamTime.Today(clock);
        // The population database records the children of citizens; a foreigner's are not in it.
        var owner = IdentityNumber.Parse(AccountId);
        var children = owner.IsCitizen ? await registry.FindChildrenAsync(owner.Citizen) : [];
        return children
            .Where(c => !Declaration.IsOldEnough(c.DateOfBirth, today, registrationOptions.Value))
            .OrderBy(c => c.DateOfBirth)
            .Select(c =>
            {
                var dependent = State.Dependents.Contains(c.IdNumber);
                IReadOnlyList<IntegratedDocument> papers = dependent && State.ChildDocuments is { } children && children.TryGetValue(c.IdNumber, out var held) ? [.. held] : [];
                return new ChildView(c.IdNumber, c.FullName, c.DateOfBirth, dependent, papers, c.Gender,
                    c.FatherId == AccountId ? "father" : "mother");
            })
            .ToList();
    }

    public Task<ProfileView?> GetProfileAsync() =>
        Task.FromResult(Exists ? AccountViews.Profile(AccountId, State, _lifecycle.Level) : null);
}
