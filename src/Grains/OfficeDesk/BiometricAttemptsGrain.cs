using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <inheritdoc cref="IBiometricAttemptsGrain"/>
public sealed class BiometricAttemptsGrain(
    [PersistentState("biometric-attempts", PlatformNames.AccountStorage)] IPersistentState<FactorFailures> storage,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, IBiometricAttemptsGrain
{
    public Task<TimeSpan?> LockedForAsync() => Task.FromResult(BruteForceGuard.LockedFor(storage.State, clock.GetUtcNow()));

    public async Task<TimeSpan?> RecordFailureAsync(int budget, TimeSpan firstLockout)
    {
        var now = clock.GetUtcNow();
        var rules = new BruteForceOptions
        {
            Threshold = budget, FirstLockout = firstLockout, MaxLockout = TimeSpan.FromHours(24), FailureWindow = TimeSpan.FromHours(24),
            StepUpAfter = int.MaxValue,
        };
        var verdict = BruteForceGuard.RecordFailure(storage.State, rules, now);
        await storage.WriteStateAsync();
        return verdict == FailureVerdict.TemporarilyLocked ? BruteForceGuard.LockedFor(storage.State, now) : null;
    }
}
