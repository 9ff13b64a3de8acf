using System.ComponentModel.DataAnnotations;

namespace Orleans.VNeID.Security;

/// <summary>Brute-force protection per factor (password, one-time code). Section <c>Lockout</c>.</summary>
public sealed class BruteForceOptions
{
    public const string Section = "Lockout";

    /// <summary>Consecutive failures that start a temporary lockout. Default 5 (ASP.NET Core Identity's).</summary>
    [Range(1, 50)] public int Threshold { get; set; } = 5;

    /// <summary>The first temporary lockout. Default 5 minutes; each later one doubles, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest temporary lockout. Default 24 hours.</summary>
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failures (including attempts refused during a lockout) after which the account is locked for good. Default 20, well under NIST's 100.</summary>
    [Range(2, 100)] public int PermanentLockAfter { get; set; } = 20;

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
    /// <summary>The hard cap is reached: lock the account.</summary>
    PermanentlyLocked,
}

/// <summary>The lockout rules, apart from any grain so that they can be tested alone.</summary>
public static class BruteForceGuard
{
    /// <summary>Time left in a temporary lockout, or null.</summary>
    public static TimeSpan? LockedFor(FactorFailures failures, DateTimeOffset now) =>
        failures.LockedUntil is { } until && until > now ? until - now : null;

    public static FailureVerdict RecordFailure(FactorFailures failures, BruteForceOptions options, DateTimeOffset now)
    {
        Expire(failures, options, now);
        var lockedOut = LockedFor(failures, now) is not null;
        failures.Total++;
        failures.LastFailureAt = now;
        if (failures.Total >= options.PermanentLockAfter) return FailureVerdict.PermanentlyLocked;
        if (lockedOut) return FailureVerdict.Counted;
        if (++failures.Consecutive < options.Threshold) return FailureVerdict.Counted;

        failures.Consecutive = 0;
        failures.Lockouts++;
        var growth = Math.Pow(2, Math.Min(failures.Lockouts - 1, 30));
        var length = TimeSpan.FromTicks((long)Math.Min(options.FirstLockout.Ticks * growth, options.MaxLockout.Ticks));
        failures.LockedUntil = now + length;
        return FailureVerdict.TemporarilyLocked;
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
