using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// Brute-force accounting: wrong passwords and wrong codes counted per factor by <see cref="BruteForceGuard"/>, leading
/// to growing temporary lockouts and then to a step-up, never to a permanent lock.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    // An ID number without a usable factor (no account, not yet activated, locked) counts failures in memory only: it
    // answers exactly as an active account would (no enumeration) without a stored row for every probed number.
    // Made on first use: most activations never count a phantom failure (issue 15, the bytes of an active account).
    private FactorFailures? _phantomPasswordFailures;
    private List<DateTimeOffset>? _phantomMismatches;
    private FactorFailures PhantomPasswordFailures => _phantomPasswordFailures ??= new();
    private List<DateTimeOffset> PhantomMismatches => _phantomMismatches ??= [];

    private BruteForceOptions Lockout => lockoutOptions.Value;

    /// <summary>The answer to a failed login, the same for a real account and a phantom one.</summary>
    private Refusal LoginFailureAnswer(FactorFailures? failures, FailureVerdict verdict, bool duringLockout, DateTimeOffset now) =>
        verdict switch
        {
            FailureVerdict.StepUpRequired => ErrorCatalogue.StepUpRequired.Refuse(),
            _ when verdict == FailureVerdict.TemporarilyLocked || duringLockout => AccountRefusals.LoginLockedOut(BruteForceGuard.LockedFor(failures, now)!.Value),
            _ => AccountRefusals.InvalidCredentials(),
        };

    /// <param name="steppedUp">The login brought a valid step-up code: temporary lockouts do not apply to it.</param>
    private async Task<Refusal> CountLoginFailureAsync(DateTimeOffset now, string reason, bool steppedUp = false)
    {
        var duringLockout = BruteForceGuard.LockedFor(State.PasswordFailures, now) is not null;
        Raise(AccountEventKind.LoginFailed, Unchanged(), SystemActor, reason, now);
        var verdict = BruteForceGuard.RecordFailure(State.PasswordFailures ??= new(), Lockout, now);
        if (verdict == FailureVerdict.TemporarilyLocked)
            Raise(AccountEventKind.LoginLockedOut, Unchanged(), SystemActor, "temporary lockout", now, ToOwner(code: null));
        else if (verdict == FailureVerdict.StepUpRequired)
            Raise(AccountEventKind.StepUpRequired, Unchanged(), SystemActor, "brute force: passwords", now, ToOwner(code: null));
        await CommitAsync();
        return steppedUp ? AccountRefusals.InvalidCredentials() : LoginFailureAnswer(State.PasswordFailures, verdict, duringLockout, now);
    }

    /// <summary>A wrong code: counts on the code (void after the configured tries) and on the factor (lockouts).</summary>
    private async Task<Refusal?> WrongCodeAsync(PendingOtp pending, DateTimeOffset now)
    {
        codes.CountWrongEntry(State, pending);
        return await CountOtpFailureAsync(now);
    }

    /// <summary>Records a one-time-code failure and commits; returns the refusal when it locked the factor.</summary>
    private async Task<Refusal?> CountOtpFailureAsync(DateTimeOffset now)
    {
        Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, null, now);
        var verdict = BruteForceGuard.RecordFailure(State.OtpFailures ??= new(), Lockout, now);
        if (verdict == FailureVerdict.TemporarilyLocked)
        {
            State.Otp = null;
            State.RecoveryOtp = null;
            State.StepUpOtp = null;
            State.SignInCode = null;
            Raise(AccountEventKind.OtpLockedOut, Unchanged(), SystemActor, "temporary lockout", now, ToOwner(code: null));
        }
        await CommitAsync();
        return verdict == FailureVerdict.TemporarilyLocked ? AccountRefusals.OtpLockedOut(BruteForceGuard.LockedFor(State.OtpFailures, now)!.Value) : null;
    }

    /// <summary>
    /// A wrong code on an anonymous route (activation, level-2 confirmation, recovery): counted on the code, which is void
    /// after <c>Otp:MaxWrongAttempts</c>, and audited, but never on the owner's code factor: anyone who knows the ID
    /// number can send codes there, and a lockout they could start would stand between the owner and their account.
    /// Guessing stays hopeless: a few wrong entries per code and a few codes an hour, out of a million.
    /// </summary>
    private async Task<Result<T>> WrongAnonymousCodeAsync<T>(PendingOtp pending, DateTimeOffset now)
    {
        codes.CountWrongEntry(State, pending);
        Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, null, now);
        await CommitAsync();
        return AccountRefusals.InvalidCode();
    }

    /// <summary>
    /// A code refused where no code could be right (no account, nothing pending): answered as a wrong code is, and paced
    /// as long as the account's commit of the count would take.
    /// </summary>
    private Result<T> PhantomCodeFailure<T>() => Paced<T>(AccountRefusals.InvalidCode());

    /// <summary>
    /// Once a phantom counter has locked something, the activation stays for the failure window: an idle deactivation
    /// would otherwise restart its lockouts small where a real account's keep growing, which would tell them apart.
    /// </summary>
    private void KeepPhantomAlive(FailureVerdict verdict)
    {
        if (verdict != FailureVerdict.Counted) DelayDeactivation(Lockout.FailureWindow);
    }
}
