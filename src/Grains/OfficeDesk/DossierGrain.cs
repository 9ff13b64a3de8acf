using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Offices;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>
/// One level-2 dossier. On opening it checks the citizen and the dependents against the registry, compares the captured
/// templates with the enrolled ones (portrait or fingerprint at or above the threshold), and on a match starts the
/// account's level-2 activation. The templates are compared and dropped. A dossier waiting for its chip card is
/// followed by a reminder until its appointment passes.
/// </summary>
public sealed partial class DossierGrain(
    [PersistentState("dossier", PlatformNames.AccountStorage)] IPersistentState<DossierState> storage,
    IPopulationRegistry registry,
    WorkingCalendar calendar,
    SecretSealer sealer,
    INotificationSender outbox,
    DeskBiometrics biometrics,
    IOptions<RegistrationOptions> registration,
    IOptions<DossierOptions> deadlines,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<DossierGrain> logger)
    : Grain, IDossierGrain, IRemindable
{
    private const string FollowUpReminder = "dossier-follow-up";
    private const string SecurityAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private DossierState State => storage.State;
    private string Code => this.GetPrimaryKeyString();

    public async Task<DossierReceipt> OpenAsync(string officeCode, Actor officer, DateTimeOffset receivedAt, OpenDossier dossier)
    {
        if (storage.RecordExists) return Receipt();

        var receivedOn = DateOnly.FromDateTime(receivedAt.ToOffset(VietnamTime.Offset).DateTime);
        var securityCode = RandomNumberGenerator.GetString(SecurityAlphabet, 8);
        State.OfficeCode = officeCode;
        State.OfficerId = officer.Id;
        State.IdNumber = dossier.IdNumber;
        State.ReceivedAt = receivedAt;
        State.CardPresented = dossier.CardNumber?.Trim();
        State.Phone = dossier.Phone;
        State.Email = dossier.Email;
        State.Documents = [.. dossier.Documents];
        State.Dependents = [.. dossier.Dependents];
        State.SealedSecurityCode = sealer.Seal(securityCode, Code);
        State.SecurityCodeHash = HashSecurityCode(securityCode);
        if (dossier.ConsentRecorded)
        {
            State.ConsentRecordedAt = receivedAt;
            State.ConsentOfficer = officer.Id;
        }

        var (refusal, cardProblem, citizen) = await CheckAsync(officeCode, officer, dossier, receivedOn);
        State.PlainReason = refusal?.Plain ?? cardProblem?.Plain;
        // Only a valid chip card, the one on record, is a card held: otherwise the dossier goes with a card application.
        // A foreigner's passport is checked in CheckAsync: valid, or the dossier is refused.
        State.HasChipCard = (dossier.HasChipCard || citizen?.Kind == IdentityKind.Foreigner) && cardProblem is null;
        State.AppointmentDate = calendar.AddWorkingDays(receivedOn, State.HasChipCard ? deadlines.Value.DeadlineWithCard : deadlines.Value.DeadlineWithCardApplication);
        var account = GrainFactory.GetGrain<ICitizenAccountGrain>(dossier.IdNumber);
        if (refusal is not null)
        {
            Decide(DossierStatus.Rejected, refusal.Detail);
        }
        else if (!State.HasChipCard)
        {
            // The templates go with the card application; they are compared again with what the ID-card database
            // enrolls when the card is issued, and the account is issued only then, confirmed by a second person.
            State.SealedTemplates = sealer.Seal($"{Convert.ToBase64String(dossier.Portrait)}.{Convert.ToBase64String(dossier.Fingerprint)}", Code);
            Decide(DossierStatus.AwaitingCard, cardProblem is null
                ? "Received with the chip ID card application; the account is issued with the card."
                : $"{cardProblem.Detail} The dossier goes with a chip ID card application ({deadlines.Value.DeadlineWithCardApplication} working days); the account is issued with the new card.");
        }
        else
        {
            var decision = $"dossier {Code} at {officeCode} by {officer.Id} (consent recorded {receivedAt:u}): biometrics matched";
            var result = await account.StartLevel2Async(new Level2Upgrade(Code, officeCode, officer, dossier.Phone, dossier.Email,
                [.. dossier.Documents, CardDocument(citizen!, officer.Id, officeCode)], dossier.Dependents, decision));
            if (result.Succeeded) Decide(DossierStatus.Approved, "Biometrics matched; the activation code was sent.");
            else Decide(DossierStatus.Rejected, result.Error!.Detail, AccountRefused);
        }

        if (State.Status == DossierStatus.AwaitingCard)
            await this.RegisterOrUpdateReminder(FollowUpReminder, TimeSpan.FromHours(1), TimeSpan.FromHours(6));
        await storage.WriteStateAsync();
        if (State.Status != DossierStatus.Approved) await TellAccountAsync(account, officer, $"{State.Status}: {State.Reason}");
        logger.LogInformation("Dossier {Code} at {Office}: {Status}", Code, officeCode, State.Status);
        return Receipt();
    }

    public Task<DossierStatusView?> LookUpAsync(string securityCode) =>
        Task.FromResult(storage.RecordExists &&
                        CryptographicOperations.FixedTimeEquals(HashSecurityCode(securityCode?.Trim().ToUpperInvariant() ?? ""), State.SecurityCodeHash)
            ? new DossierStatusView(Code, State.Status, State.AppointmentDate)
            : null);

    public Task<DossierReceipt?> GetReceiptAsync() => Task.FromResult(storage.RecordExists ? Receipt() : null);

    public async Task<Result<DossierReceipt>> CardIssuedAsync(Actor confirmer, string? confirmerOffice)
    {
        if (!storage.RecordExists)
            return ErrorCatalogue.DossierNotFound.Refuse("There is no such dossier.");
        if (confirmer.Role == ActorRole.Officer && confirmerOffice != State.OfficeCode) return ErrorCatalogue.CrossOffice.Refuse();
        if (confirmer.Role is not (ActorRole.Officer or ActorRole.Operator)) return ErrorCatalogue.Forbidden.Refuse();
        // Two people: the officer who received the dossier cannot also confirm the card (one stolen token is not enough).
        if (confirmer.Id == State.OfficerId) return ErrorCatalogue.SecondPersonRequired.Refuse();
        if (State.Status != DossierStatus.AwaitingCard) return Result.Ok(Receipt());

        // The card must exist in the ID-card database: number, issue date and the templates enrolled with it.
        var id = IdentityNumber.Parse(State.IdNumber);
        var citizen = await registry.FindAsync(id);
        var enrolled = await registry.FindBiometricsAsync(id);
        // A valid card today: a first card, or the one replacing an expired or lost card (the old one does not count).
        if (citizen is null || citizen.CardProblemOn(VietnamTime.Today(clock)) is not null || enrolled is null) return ErrorCatalogue.CardNotIssued.Refuse();
        State.PlainReason = null;

        var account = GrainFactory.GetGrain<ICitizenAccountGrain>(State.IdNumber);
        if (await MatchSealedTemplatesAsync(confirmer, enrolled) is var verdict && verdict != MatchVerdict.Matched)
        {
            Decide(DossierStatus.Rejected, verdict == MatchVerdict.Suspect
                ? $"The templates captured at the desk are suspect against the ones enrolled with card {citizen.CardNumber} (portrait and fingerprint disagree); recorded and reported."
                : $"The templates captured at the desk do not match the ones enrolled with card {citizen.CardNumber}.", BiometricsDiffer);
        }
        else
        {
            var result = await account.StartLevel2Async(new Level2Upgrade(
                Code, State.OfficeCode, confirmer, State.Phone, State.Email, [.. State.Documents, CardDocument(citizen, confirmer.Id, State.OfficeCode)],
                State.Dependents,
                $"dossier {Code} at {State.OfficeCode} opened by {State.OfficerId} (consent recorded {State.ConsentRecordedAt:u}); " +
                $"chip card {citizen.CardNumber} issued {citizen.CardIssuedOn:yyyy-MM-dd}, templates matched, confirmed by {confirmer.Role} {confirmer.Id}"));
            if (result.Succeeded) Decide(DossierStatus.Approved, "The chip ID card was issued; the activation code was sent.");
            else Decide(DossierStatus.Rejected, result.Error!.Detail, AccountRefused);
        }
        State.SealedTemplates = null;
        State.CardConfirmedBy = confirmer.Id;
        await storage.WriteStateAsync();
        await TellAccountAsync(account, confirmer, $"card issued, {State.Status}: {State.Reason}");
        await GrainFactory.GetGrain<IOfficeDeskGrain>(State.OfficeCode).DossierUpdatedAsync(Code, State.Status, State.AppointmentDate, open: false);
        if (await this.GetReminder(FollowUpReminder) is { } reminder) await this.UnregisterReminder(reminder);
        return Result.Ok(Receipt());
    }

    /// <summary>Opens the sealed desk templates and compares them with the card's (a verdict only); the templates are dropped after.</summary>
    private async Task<MatchVerdict> MatchSealedTemplatesAsync(Actor confirmer, EnrolledBiometrics enrolled)
    {
        if (State.SealedTemplates is null) return MatchVerdict.NotMatched;
        var parts = sealer.Open(State.SealedTemplates, Code).Split('.');
        return await biometrics.MatchAsync(confirmer, State.OfficeCode, State.IdNumber, Convert.FromBase64String(parts[0]), Convert.FromBase64String(parts[1]), enrolled);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != FollowUpReminder) return;
        var open = State.Status == DossierStatus.AwaitingCard;
        if (open && VietnamTime.Today(clock) > State.AppointmentDate && !State.Overdue)
        {
            State.Overdue = true;
            await storage.WriteStateAsync();
            logger.LogWarning("Dossier {Code} at {Office} is past its appointment date {Date}", Code, State.OfficeCode, State.AppointmentDate);
        }
        await GrainFactory.GetGrain<IOfficeDeskGrain>(State.OfficeCode).DossierUpdatedAsync(Code, State.Status, State.AppointmentDate, open);
        if (!open && await this.GetReminder(FollowUpReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>
    /// The chip ID card on record as the wallet shows it ("thông tin chính về thẻ căn cước công dân"); for a foreigner, the
    /// passport presented ("đối với người nước ngoài: hộ chiếu"), as the immigration database records it.
    /// </summary>
    private static IntegratedDocument CardDocument(CitizenRecord citizen, string verifiedBy, string officeCode) =>
        citizen.Kind == IdentityKind.Foreigner
            ? new(DocumentKind.Passport, citizen.CardNumber!, IdentityNumber.Parse(citizen.IdNumber).IssuingCountry, citizen.CardIssuedOn,
                citizen.CardValidUntil, verifiedBy, officeCode)
            : new(DocumentKind.IdCard, citizen.CardNumber!, IdCardIssuer, citizen.CardIssuedOn, citizen.CardValidUntil, verifiedBy, officeCode);

    private const string IdCardIssuer = "Cục Cảnh sát quản lý hành chính về trật tự xã hội, Bộ Công an";

    /// <summary>
    /// Why the dossier cannot proceed (or null), and why a card said to be held cannot be used (or null: then the dossier
    /// goes the card-application path, not refused). Who may open one is <see cref="DossierEligibility"/>; this gathers
    /// what it decides from, and compares the templates. Scores are kept; templates are not.
    /// </summary>
    private async Task<(DossierRefusal? Refusal, CardProblem? CardProblem, CitizenRecord? Citizen)> CheckAsync(string officeCode, Actor officer, OpenDossier dossier, DateOnly receivedOn)
    {
        var person = IdentityNumber.TryParse(dossier.IdNumber, out var id, out _) ? await registry.FindAsync(id) : null;
        var dependents = new Dictionary<string, CitizenRecord?>(StringComparer.Ordinal);
        if (person is not null)
            foreach (var child in dossier.Dependents.Distinct())
                dependents[child] = PersonalIdNumber.TryParse(child, out var childId, out _) ? await registry.FindAsync(IdentityNumber.Of(childId)) : null;
        if (DossierEligibility.Refusal(dossier, person, dependents, receivedOn, registration.Value) is { } refusal) return (refusal, null, null);
        var foreigner = person!.Kind == IdentityKind.Foreigner;
        switch (DossierEligibility.CardPath(dossier, person, receivedOn))
        {
            case (DossierEligibility.Path.CardApplication, _): return (null, null, person);
            case (DossierEligibility.Path.Refused, var problem): return (new(problem!.Detail, problem.Plain), null, person);
            case (DossierEligibility.Path.CardApplicationAfterProblem, var problem): return (null, problem, person);
        }
        if (await registry.FindBiometricsAsync(id) is not { } enrolled)
        {
            return foreigner
                ? (new("No templates were taken at entry for this passport.", "chưa có dữ liệu sinh trắc học trong Cơ sở dữ liệu quốc gia về xuất nhập cảnh"), null, person)
                : (null, new CardProblem("No templates are enrolled with the card on record.", "chưa có dữ liệu sinh trắc học gắn với thẻ căn cước"), person);
        }
        if (await biometrics.RefusedAsync(officer, dossier.IdNumber) is { } spent)
            return (new(spent.Detail, "tạm thời chưa thể đối chiếu sinh trắc học do đối chiếu không khớp nhiều lần"), null, person);
        return await biometrics.MatchAsync(officer, officeCode, dossier.IdNumber, dossier.Portrait, dossier.Fingerprint, enrolled) switch
        {
            MatchVerdict.Matched => (null, null, person),
            MatchVerdict.Suspect => (new("The capture is suspect: its portrait and fingerprint disagree. It was recorded and reported.",
                foreigner ? BiometricsDifferFromImmigration : BiometricsDiffer), null, person),
            _ => (new($"The portrait and fingerprints do not match the {(foreigner ? "immigration" : "ID-card")} database.",
                foreigner ? BiometricsDifferFromImmigration : BiometricsDiffer), null, person),
        };
    }

    private const string BiometricsDiffer = "ảnh chân dung và vân tay không khớp với dữ liệu trong Cơ sở dữ liệu căn cước";
    private const string BiometricsDifferFromImmigration = "ảnh chân dung và vân tay không khớp với dữ liệu trong Cơ sở dữ liệu quốc gia về xuất nhập cảnh";
    private const string AccountRefused = "tài khoản hiện không thể nâng lên mức độ 2 (ví dụ đang bị khoá); liên hệ nơi tiếp nhận hồ sơ";

    /// <summary>The dossier's decision, as its lifecycle permits it (<see cref="DossierLifecycle"/>; a decided dossier does not move).</summary>
    private void Decide(DossierStatus status, string reason, string? plainReason = null)
    {
        State.Status = new DossierLifecycle(storage.RecordExists ? DossierLifecycle.StageOf(State.Status) : DossierStage.Received).Decide(status);
        State.Reason = reason;
        if (plainReason is not null) State.PlainReason = plainReason;
    }

    /// <summary>The outcome as the citizen is told it (SMS, e-mail and the app): what happened, why, and what comes next.</summary>
    private DossierReceipt Receipt() => new(Code, sealer.Open(State.SealedSecurityCode, Code), State.OfficeCode, State.ReceivedAt,
        State.AppointmentDate, State.Status, State.Reason);

    private byte[] HashSecurityCode(string securityCode) => SHA256.HashData(Encoding.UTF8.GetBytes($"{Code}\n{securityCode}"));
}
