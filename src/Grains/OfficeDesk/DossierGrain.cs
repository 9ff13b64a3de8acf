using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Offices;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.OfficeDesk;

/// <summary>
/// One level-2 dossier. On opening it checks the citizen and the dependents against the registry, compares the captured
/// templates with the enrolled ones (portrait or fingerprint at or above the threshold), and on a match starts the
/// account's level-2 activation. The templates are compared and dropped. A dossier waiting for its chip card is
/// followed by a reminder until its appointment passes.
/// </summary>
public sealed class DossierGrain(
    [PersistentState("dossier", PlatformNames.AccountStorage)] IPersistentState<DossierState> storage,
    IPopulationRegistry registry,
    WorkingCalendar calendar,
    SecretSealer sealer,
    IOptions<BiometricOptions> biometricOptions,
    IOptions<RegistrationOptions> registration,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<DossierGrain> logger)
    : Grain, IDossierGrain, IRemindable
{
    public const int DeadlineWithCard = 3;
    public const int DeadlineWithCardApplication = 7;
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
        State.HasChipCard = dossier.HasChipCard;
        State.Phone = dossier.Phone;
        State.Email = dossier.Email;
        State.Documents = [.. dossier.Documents];
        State.Dependents = [.. dossier.Dependents];
        State.AppointmentDate = calendar.AddWorkingDays(receivedOn, dossier.HasChipCard ? DeadlineWithCard : DeadlineWithCardApplication);
        State.SealedSecurityCode = sealer.Seal(securityCode, Code);
        State.SecurityCodeHash = HashSecurityCode(securityCode);

        var refusal = await CheckAsync(dossier, receivedOn);
        if (refusal is not null)
        {
            Decide(DossierStatus.Rejected, refusal);
        }
        else if (!dossier.HasChipCard)
        {
            Decide(DossierStatus.AwaitingCard, "Received with the chip ID card application; the account is issued with the card.");
        }
        else
        {
            var account = GrainFactory.GetGrain<ICitizenAccountGrain>(dossier.IdNumber);
            var decision = $"dossier {Code} at {officeCode} by {officer.Id}: biometrics matched " +
                           $"(portrait {State.PortraitScore:F3}, fingerprint {State.FingerprintScore:F3})";
            var result = await account.StartLevel2Async(new Level2Upgrade(Code, officeCode, officer, dossier.Phone, dossier.Email,
                dossier.Documents, dossier.Dependents, decision));
            if (result.Succeeded) Decide(DossierStatus.Approved, "Biometrics matched; the activation code was sent.");
            else Decide(DossierStatus.Rejected, result.Error!.Detail);
        }

        if (State.Status == DossierStatus.AwaitingCard)
            await this.RegisterOrUpdateReminder(FollowUpReminder, TimeSpan.FromHours(1), TimeSpan.FromHours(6));
        await storage.WriteStateAsync();
        logger.LogInformation("Dossier {Code} at {Office}: {Status}", Code, officeCode, State.Status);
        return Receipt();
    }

    public Task<DossierStatusView?> LookUpAsync(string securityCode) =>
        Task.FromResult(storage.RecordExists &&
                        CryptographicOperations.FixedTimeEquals(HashSecurityCode(securityCode?.Trim().ToUpperInvariant() ?? ""), State.SecurityCodeHash)
            ? new DossierStatusView(Code, State.Status, State.AppointmentDate)
            : null);

    public Task<DossierReceipt?> GetReceiptAsync() => Task.FromResult(storage.RecordExists ? Receipt() : null);

    public async Task<Result<DossierReceipt>> CardIssuedAsync(Actor officer, string officerOffice)
    {
        if (!storage.RecordExists)
            return ErrorCatalogue.DossierNotFound.Refuse("There is no such dossier.");
        if (officer.Role != ActorRole.Officer || officerOffice != State.OfficeCode)
            return ErrorCatalogue.CrossOffice.Refuse();
        if (State.Status != DossierStatus.AwaitingCard) return Result.Ok(Receipt());

        var result = await GrainFactory.GetGrain<ICitizenAccountGrain>(State.IdNumber).StartLevel2Async(new Level2Upgrade(
            Code, State.OfficeCode, officer, State.Phone, State.Email, State.Documents, State.Dependents,
            $"dossier {Code} at {State.OfficeCode} by {officer.Id}: chip ID card issued with the account"));
        if (result.Succeeded) Decide(DossierStatus.Approved, "The chip ID card was issued; the activation code was sent.");
        else Decide(DossierStatus.Rejected, result.Error!.Detail);
        await storage.WriteStateAsync();
        await GrainFactory.GetGrain<IOfficeDeskGrain>(State.OfficeCode).DossierUpdatedAsync(Code, State.Status, State.AppointmentDate, open: false);
        if (await this.GetReminder(FollowUpReminder) is { } reminder) await this.UnregisterReminder(reminder);
        return Result.Ok(Receipt());
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

    /// <summary>Why the dossier cannot proceed, or null. Scores are kept; templates are not.</summary>
    private async Task<string?> CheckAsync(OpenDossier dossier, DateOnly receivedOn)
    {
        if (!dossier.ConsentRecorded) return "The citizen's consent was not recorded.";
        if (!PersonalIdNumber.TryParse(dossier.IdNumber, out var id, out var idError)) return idError;
        if (await registry.FindAsync(id) is not { } citizen) return "The ID number is not in the National Population Database.";
        var minimumAge = registration.Value.MinimumAge;
        if (!Declaration.IsOldEnough(citizen.DateOfBirth, receivedOn, registration.Value))
            return $"Citizens register from the age of {minimumAge}; a parent declares a younger child as a dependent.";

        foreach (var child in dossier.Dependents)
        {
            var record = PersonalIdNumber.TryParse(child, out var childId, out _) ? await registry.FindAsync(childId) : null;
            if (record is null || (record.FatherId != citizen.IdNumber && record.MotherId != citizen.IdNumber))
                return $"Dependent {child} is not recorded as this citizen's child in the population database.";
            if (Declaration.IsOldEnough(record.DateOfBirth, receivedOn, registration.Value))
                return $"Dependent {child} is {minimumAge} or older and registers an account of their own.";
        }

        if (!dossier.HasChipCard) return null;
        if (await registry.FindBiometricsAsync(id) is not { } enrolled)
            return "No templates are enrolled for this citizen (no chip ID card on record): register with a card application.";
        State.PortraitScore = Math.Round(BiometricTemplates.Similarity(dossier.Portrait, enrolled.Portrait), 3);
        State.FingerprintScore = Math.Round(BiometricTemplates.Similarity(dossier.Fingerprint, enrolled.Fingerprint), 3);
        var threshold = biometricOptions.Value.MatchThreshold;
        return State.PortraitScore >= threshold || State.FingerprintScore >= threshold
            ? null
            : $"The portrait and fingerprints do not match the ID-card database (portrait {State.PortraitScore:F3}, fingerprint {State.FingerprintScore:F3}, threshold {threshold:F2}).";
    }

    private void Decide(DossierStatus status, string reason)
    {
        State.Status = status;
        State.Reason = reason;
    }

    private DossierReceipt Receipt() => new(Code, sealer.Open(State.SealedSecurityCode, Code), State.OfficeCode, State.ReceivedAt,
        State.AppointmentDate, State.Status, State.Reason);

    private byte[] HashSecurityCode(string securityCode) => SHA256.HashData(Encoding.UTF8.GetBytes($"{Code}\n{securityCode}"));
}
