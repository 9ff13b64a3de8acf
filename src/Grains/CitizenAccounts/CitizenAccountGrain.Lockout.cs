using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.CitizenAccounts;

/// <summary>Brute-force accounting: wrong passwords and wrong codes counted per factor by <see cref="BruteForceGuard"/>.</summary>
public sealed partial class CitizenAccountGrain
{
    // An ID number without an account counts failures in memory only: it answers exactly as an account would
    // (no enumeration) without a stored row for every probed number.
    private readonly FactorFailures _phantomPasswordFailures = new();
    private readonly FactorFailures _phantomOtpFailures = new();

    private BruteForceOptions Lockout => lockoutOptions.Value;

    private async Task<Refusal> CountLoginFailureAsync(DateTimeOffset now, string reason)
    {
        Raise(AccountEventKind.LoginFailed, Unchanged(), SystemActor, reason, now);
        var verdict = BruteForceGuard.RecordFailure(State.PasswordFailures, Lockout, now);
        await ApplyVerdictAsync(verdict, now, AccountEventKind.LoginLockedOut, "brute force: passwords");
        await CommitAsync();
        return verdict == FailureVerdict.TemporarilyLocked
            ? AccountRefusals.LoginLockedOut(BruteForceGuard.LockedFor(State.PasswordFailures, now)!.Value)
            : AccountRefusals.InvalidCredentials();
    }

    /// <summary>A wrong code: counts on the code (void after the configured tries) and on the factor (lockouts).</summary>
    private async Task<Refusal?> WrongCodeAsync(PendingOtp pending, DateTimeOffset now)
    {
        var voided = codes.CountWrongEntry(State, pending);
        var factorError = await CountOtpFailureAsync(now);
        if (factorError is not null) return factorError;
        return voided ? codes.Voided(State, now) : null;
    }

    /// <summary>Records a one-time-code failure and commits; returns the refusal when it locked something.</summary>
    private async Task<Refusal?> CountOtpFailureAsync(DateTimeOffset now)
    {
        Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, null, now);
        var verdict = BruteForceGuard.RecordFailure(State.OtpFailures, Lockout, now);
        if (verdict != FailureVerdict.Counted) { State.Otp = null; State.RecoveryOtp = null; }
        await ApplyVerdictAsync(verdict, now, AccountEventKind.OtpLockedOut, "brute force: one-time codes");
        await CommitAsync();
        return verdict == FailureVerdict.TemporarilyLocked ? AccountRefusals.OtpLockedOut(BruteForceGuard.LockedFor(State.OtpFailures, now)!.Value) : null;
    }

    /// <summary>
    /// Applies a lockout decision. The caller answers with its usual refusal even when the account was just locked
    /// for good: the owner learns of it out of band, the attacker learns nothing an unknown ID would not also say.
    /// </summary>
    private async Task ApplyVerdictAsync(FailureVerdict verdict, DateTimeOffset now, AccountEventKind lockedOutKind, string lockReason)
    {
        if (verdict == FailureVerdict.TemporarilyLocked)
            Raise(lockedOutKind, Unchanged(), SystemActor, "temporary lockout", now, ToOwner(code: null));
        else if (verdict == FailureVerdict.PermanentlyLocked && _lifecycle.CanFire(AccountTrigger.Lock))
            await LockNowAsync(SystemActor, lockReason, now);
    }

    /// <summary>The answer for an ID number without an account, counted in memory as an account would count it.</summary>
    private Refusal PhantomFailure(FactorFailures failures, DateTimeOffset now, Func<TimeSpan, Refusal> lockedOut, Refusal otherwise)
    {
        if (BruteForceGuard.LockedFor(failures, now) is { } lockedFor) return lockedOut(lockedFor);
        return BruteForceGuard.RecordFailure(failures, Lockout, now) == FailureVerdict.TemporarilyLocked
            ? lockedOut(BruteForceGuard.LockedFor(failures, now)!.Value)
            : otherwise;
    }
}
