using System.ComponentModel.DataAnnotations;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>
/// Brute-force protection per factor (password, one-time code). Section <c>Lockout</c>. Failures lead to growing temporary
/// lockouts and then to a step-up (the password plus a code sent to the phone on record), never to a permanent lock:
/// a stranger who knows only the ID number cannot lock the owner out for good.
/// </summary>
public sealed class BruteForceOptions
{
    public const string Section = "Lockout";

    /// <summary>Consecutive failures that start a temporary lockout. Default 5 (ASP.NET Core Identity's).</summary>
    [Range(1, 50)] public int Threshold { get; set; } = 5;

    /// <summary>The first temporary lockout. Default 5 minutes; each later one doubles, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest temporary lockout. Default 24 hours.</summary>
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Failures (attempts refused during a lockout included) after which a login needs the password and a one-time code
    /// sent to the phone on record; a login with both is not held back by a temporary lockout. Default 10.
    /// </summary>
    [Range(2, 100)] public int StepUpAfter { get; set; } = 10;

    /// <summary>Counters start again after this long without a failure. Default 24 hours.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Failure counters of one factor; persisted in the account state.</summary>
[GenerateSerializer, Alias("vneid.FactorFailures")]
public sealed class FactorFailures
{
    [Id(0)] public int Consecutive { get; set; }
    [Id(1)] public int Total { get; set; }
    [Id(2)] public DateTimeOffset? LastFailureAt { get; set; }
    [Id(3)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(4)] public int Lockouts { get; set; }
}

public enum FailureVerdict
{
    /// <summary>Counted; attempts may go on.</summary>
    Counted,
    /// <summary>This failure started a temporary lockout.</summary>
    TemporarilyLocked,
    /// <summary>This failure reached <see cref="BruteForceOptions.StepUpAfter"/>: logins now need a second factor.</summary>
    StepUpRequired,
}

/// <summary>The lockout rules, apart from any grain so that they can be tested alone.</summary>
public static class BruteForceGuard
{
    /// <summary>Time left in a temporary lockout, or null.</summary>
    public static TimeSpan? LockedFor(FactorFailures? failures, DateTimeOffset now) =>
        failures?.LockedUntil is { } until && until > now ? until - now : null;

    /// <summary>Whether this factor failed often enough that logins need the step-up code (never, with no failures kept).</summary>
    public static bool NeedsStepUp(FactorFailures? failures, BruteForceOptions options, DateTimeOffset now)
    {
        if (failures is null) return false;
        Expire(failures, options, now);
        return failures.Total >= options.StepUpAfter;
    }

    public static FailureVerdict RecordFailure(FactorFailures failures, BruteForceOptions options, DateTimeOffset now)
    {
        Expire(failures, options, now);
        var lockedOut = LockedFor(failures, now) is not null;
        failures.Total++;
        failures.LastFailureAt = now;
        var verdict = FailureVerdict.Counted;
        if (!lockedOut && ++failures.Consecutive >= options.Threshold)
        {
            failures.Consecutive = 0;
            failures.Lockouts++;
            var growth = Math.Pow(2, Math.Min(failures.Lockouts - 1, 30));
            failures.LockedUntil = now + TimeSpan.FromTicks((long)Math.Min(options.FirstLockout.Ticks * growth, options.MaxLockout.Ticks));
            verdict = FailureVerdict.TemporarilyLocked;
        }
        return failures.Total == options.StepUpAfter ? FailureVerdict.StepUpRequired : verdict;
    }

    /// <summary>A success (or a verified recovery) clears the factor.</summary>
    public static void Reset(FactorFailures failures)
    {
        failures.Consecutive = 0;
        failures.Total = 0;
        failures.LastFailureAt = null;
        failures.LockedUntil = null;
        failures.Lockouts = 0;
    }

    private static void Expire(FactorFailures failures, BruteForceOptions options, DateTimeOffset now)
    {
        if (failures.LastFailureAt is { } last && now - last >= options.FailureWindow && LockedFor(failures, now) is null)
            Reset(failures);
    }
}
