using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Tests.Security;

public class BruteForceGuardTests
{
    private static readonly BruteForceOptions Options = new();
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_threshold_failure_starts_a_temporary_lockout()
    {
        var failures = new FactorFailures();
        for (var i = 1; i < Options.Threshold; i++)
            Assert.Equal(FailureVerdict.Counted, BruteForceGuard.RecordFailure(failures, Options, Start));
        Assert.Null(BruteForceGuard.LockedFor(failures, Start));
        Assert.Equal(FailureVerdict.TemporarilyLocked, BruteForceGuard.RecordFailure(failures, Options, Start));
        Assert.Equal(Options.FirstLockout, BruteForceGuard.LockedFor(failures, Start));
        Assert.Null(BruteForceGuard.LockedFor(failures, Start + Options.FirstLockout));
    }

    [Fact]
    public void Each_later_lockout_is_twice_as_long_up_to_the_maximum()
    {
        var options = new BruteForceOptions { Threshold = 2, StepUpAfter = 100, FirstLockout = TimeSpan.FromMinutes(5), MaxLockout = TimeSpan.FromMinutes(30) };
        var failures = new FactorFailures();
        var now = Start;
        var lengths = new List<TimeSpan>();
        for (var lockout = 0; lockout < 5; lockout++)
        {
            BruteForceGuard.RecordFailure(failures, options, now);
            Assert.Equal(FailureVerdict.TemporarilyLocked, BruteForceGuard.RecordFailure(failures, options, now));
            var length = BruteForceGuard.LockedFor(failures, now)!.Value;
            lengths.Add(length);
            now += length;
        }
        Assert.Equal([5, 10, 20, 30, 30], lengths.Select(l => (int)l.TotalMinutes));
    }

    [Fact]
    public void Lockout_weapon_attempts_during_a_lockout_count_toward_the_step_up_without_extending_it_and_nothing_locks_for_good()
    {
        var failures = new FactorFailures();
        for (var i = 0; i < Options.Threshold; i++) BruteForceGuard.RecordFailure(failures, Options, Start);
        var until = failures.LockedUntil;
        var verdicts = new List<FailureVerdict>();
        for (var i = Options.Threshold; i < Options.StepUpAfter; i++) verdicts.Add(BruteForceGuard.RecordFailure(failures, Options, Start.AddSeconds(i)));
        Assert.All(verdicts[..^1], v => Assert.Equal(FailureVerdict.Counted, v));
        Assert.Equal(FailureVerdict.StepUpRequired, verdicts[^1]);
        Assert.Equal(until, failures.LockedUntil);
        Assert.True(BruteForceGuard.NeedsStepUp(failures, Options, Start.AddMinutes(1)));

        // A thousand more failures: temporary lockouts at most, never anything else.
        var later = Enumerable.Range(1, 1000).Select(i => BruteForceGuard.RecordFailure(failures, Options, Start.AddMinutes(i))).ToList();
        Assert.All(later, v => Assert.NotEqual(FailureVerdict.StepUpRequired, v));
        Assert.True(BruteForceGuard.LockedFor(failures, Start.AddMinutes(1000)) <= Options.MaxLockout);
        Assert.False(BruteForceGuard.NeedsStepUp(failures, Options, failures.LockedUntil!.Value + Options.FailureWindow));
    }

    [Fact]
    public void Counters_expire_after_the_failure_window_and_reset_on_success()
    {
        var failures = new FactorFailures();
        for (var i = 0; i < Options.Threshold - 1; i++) BruteForceGuard.RecordFailure(failures, Options, Start);
        var later = Start + Options.FailureWindow;
        Assert.Equal(FailureVerdict.Counted, BruteForceGuard.RecordFailure(failures, Options, later));
        Assert.Equal(1, failures.Total);

        BruteForceGuard.Reset(failures);
        Assert.Equal((0, 0, 0), (failures.Total, failures.Consecutive, failures.Lockouts));
        Assert.Null(failures.LockedUntil);
    }
}
