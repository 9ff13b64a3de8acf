using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Offices;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>
/// Password recovery in person at a police office: the officer's own office, in office hours; the portrait and
/// fingerprint captured at the desk matched against the templates of the card (or, for a foreigner, those taken at
/// entry); then the account sends the code. The templates are compared and dropped.
/// </summary>
[StatelessWorker]
public sealed class OfficeRecoveryGrain(
    OfficeDirectory offices,
    WorkingCalendar calendar,
    IPopulationRegistry registry,
    DeskBiometrics biometrics,
    CaptureDevices devices,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, IOfficeRecoveryGrain
{
    /// <summary>This office when it exists, the officer works here and it is open; else the refusal.</summary>
    private (OfficeDefinition? Office, Refusal? Refusal) AtThisDesk(Actor officer, string officerOffice)
    {
        var officeCode = this.GetPrimaryKeyString();
        if (offices.Find(officeCode) is not { } office) return (null, ErrorCatalogue.OfficeNotFound.Refuse($"There is no office '{officeCode}'."));
        if (officer.Role != ActorRole.Officer || officerOffice != office.Code)
            return (null, ErrorCatalogue.CrossOffice.Refuse("An officer recovers accounts, and confirms a new phone, only at their own office."));
        return calendar.WhyClosed(clock.GetUtcNow()) is { } closed ? (null, ErrorCatalogue.OfficeClosed.Refuse(closed)) : (office, null);
    }

    public async Task<Result<OfficeRecoveryReceipt>> RecoverAsync(Actor officer, string officerOffice, OfficeRecovery request)
    {
        var (office, refused) = AtThisDesk(officer, officerOffice);
        if (office is null) return refused!;

        var id = IdentityNumber.Parse(request.IdNumber);
        if (devices.Refusal(office.Code, id.Value, request.Portrait, request.Fingerprint, request.Signature, clock.GetUtcNow()) is { } untrusted)
            return untrusted;
        if (await registry.FindBiometricsAsync(id) is not { } enrolled)
            return ErrorCatalogue.NotEnrolled.Refuse(id.IsCitizen
                ? "No templates are enrolled with a card for this ID number: the citizen applies for a card first."
                : "No templates were taken at entry for this passport.");
        if (await biometrics.RefusedAsync(officer, id.Value) is { } spent) return spent;
        switch (await biometrics.MatchAsync(officer, office.Code, id.Value, request.Portrait, request.Fingerprint, enrolled))
        {
            case MatchVerdict.NotMatched:
                return ErrorCatalogue.BiometricsMismatch.Refuse("The captures do not match the templates on record.");
            case MatchVerdict.Suspect:
                return ErrorCatalogue.BiometricsSuspect.Refuse("The capture is suspect: its portrait and fingerprint disagree. It was recorded and reported.");
        }

        return await GrainFactory.GetGrain<ICitizenAccountGrain>(id.Value)
            .StartRecoveryAtOfficeAsync(officer, office.Code, request.NewPhone, "biometrics matched");
    }

    public async Task<Result<OfficeRecoveryReceipt>> ConfirmNewPhoneAsync(Actor officer, string officerOffice, string idNumber)
    {
        var (office, refused) = AtThisDesk(officer, officerOffice);
        if (office is null) return refused!;
        return await GrainFactory.GetGrain<ICitizenAccountGrain>(idNumber).ConfirmPhoneChangeAtOfficeAsync(officer, office.Code);
    }
}
