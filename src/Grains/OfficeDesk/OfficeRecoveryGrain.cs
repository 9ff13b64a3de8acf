using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Offices;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Registry;

namespace Orleans.VNeID.OfficeDesk;

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
    IOptions<BiometricOptions> biometricOptions,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, IOfficeRecoveryGrain
{
    public async Task<Result<OfficeRecoveryReceipt>> RecoverAsync(Actor officer, string officerOffice, OfficeRecovery request)
    {
        var officeCode = this.GetPrimaryKeyString();
        if (offices.Find(officeCode) is not { } office) return ErrorCatalogue.OfficeNotFound.Refuse($"There is no office '{officeCode}'.");
        if (officer.Role != ActorRole.Officer || officerOffice != office.Code)
            return ErrorCatalogue.CrossOffice.Refuse("An officer recovers accounts only at their own office.");
        if (calendar.WhyClosed(clock.GetUtcNow()) is { } closed) return ErrorCatalogue.OfficeClosed.Refuse(closed);

        var id = IdentityNumber.Parse(request.IdNumber);
        if (await registry.FindBiometricsAsync(id) is not { } enrolled)
            return ErrorCatalogue.NotEnrolled.Refuse(id.IsCitizen
                ? "No templates are enrolled with a card for this ID number: the citizen applies for a card first."
                : "No templates were taken at entry for this passport.");
        var match = BiometricMatch.Of(request.Portrait, request.Fingerprint, enrolled.Portrait, enrolled.Fingerprint, biometricOptions.Value.MatchThreshold);
        var scores = $"portrait {match.PortraitScore:F3}, fingerprint {match.FingerprintScore:F3}";
        if (!match.Matched)
            return ErrorCatalogue.BiometricsMismatch.Refuse($"The captures do not match the templates on record ({scores}, threshold {biometricOptions.Value.MatchThreshold:F2}).");

        var sent = await GrainFactory.GetGrain<ICitizenAccountGrain>(id.Value)
            .StartRecoveryAtOfficeAsync(officer, office.Code, request.NewPhone, $"biometrics matched ({scores})");
        return sent.Succeeded
            ? Result.Ok(new OfficeRecoveryReceipt(id.Value, sent.Value!, match.PortraitScore, match.FingerprintScore, $"/api/v1/recovery/{id.Value}/password"))
            : sent.Error!;
    }
}
