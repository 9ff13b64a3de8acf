using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>
/// Every biometric match at a desk (level-2 dossiers, recovery in person) goes through here: refused while the officer's
/// or the citizen's budget of failed matches is spent; matched by <see cref="BiometricMatch"/>, which answers a verdict,
/// never a score; a failure counted for both, put in the citizen's audit trail and told to the citizen; a suspect capture
/// or a spent budget raised to operators as an alert. The templates are compared and dropped.
/// </summary>
public sealed class DeskBiometrics(IGrainFactory grains, IOptions<BiometricOptions> options, ILogger<DeskBiometrics> logger)
{
    private BiometricOptions Options => options.Value;

    /// <summary>The refusal while either budget is spent, or null.</summary>
    public async Task<Refusal?> RefusedAsync(Actor officer, string idNumber)
    {
        var waits = await Task.WhenAll(
            grains.GetGrain<IBiometricAttemptsGrain>(IBiometricAttemptsGrain.OfficerKey(officer.Id)).LockedForAsync(),
            grains.GetGrain<IBiometricAttemptsGrain>(IBiometricAttemptsGrain.CitizenKey(idNumber)).LockedForAsync());
        return waits.Max() is { } wait
            ? ErrorCatalogue.BiometricAttemptsExceeded.Refuse("Too many failed matches: desk matches for this citizen or by this officer are refused for a while.", wait)
            : null;
    }

    /// <summary>Matches the captures with the enrolled templates; a failure is counted, audited, told and (when suspect) alerted.</summary>
    public async Task<MatchVerdict> MatchAsync(Actor officer, string officeCode, string idNumber, byte[] portrait, byte[] fingerprint, EnrolledBiometrics enrolled)
    {
        var verdict = BiometricMatch.Of(portrait, fingerprint, enrolled.Portrait, enrolled.Fingerprint, Options);
        if (verdict == MatchVerdict.Matched) return verdict;

        var suspect = verdict == MatchVerdict.Suspect;
        if (suspect)
            logger.LogError("ALERT: a suspect capture (portrait and fingerprint disagree) for {IdNumber} by officer {Officer} at {Office}",
                idNumber, officer.Id, officeCode);
        var officerLocked = await grains.GetGrain<IBiometricAttemptsGrain>(IBiometricAttemptsGrain.OfficerKey(officer.Id))
            .RecordFailureAsync(Options.OfficerFailureBudget, Options.FirstLockout);
        var citizenLocked = await grains.GetGrain<IBiometricAttemptsGrain>(IBiometricAttemptsGrain.CitizenKey(idNumber))
            .RecordFailureAsync(Options.CitizenFailureBudget, Options.FirstLockout);
        if (officerLocked is not null)
            logger.LogError("ALERT: officer {Officer} at {Office} spent the budget of failed biometric matches; their matches are refused for {Wait}",
                officer.Id, officeCode, officerLocked);
        if (citizenLocked is not null)
            logger.LogError("ALERT: {IdNumber} spent the budget of failed biometric matches (last by officer {Officer} at {Office}); refused for {Wait}",
                idNumber, officer.Id, officeCode, citizenLocked);
        await grains.GetGrain<ICitizenAccountGrain>(idNumber).RecordBiometricRefusalAsync(officer, officeCode, suspect);
        return verdict;
    }
}
