using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>What a login must do next, before any password is checked.</summary>
public enum LoginStep
{
    /// <summary>No password can be right (no account, not activated, locked): counted in memory as an account counts.</summary>
    NoUsablePassword,

    /// <summary>Logins need the step-up and none was brought: refused (the password spent but not checked).</summary>
    StepUpRequired,

    /// <summary>Logins need the step-up, a code was brought but none is live: refused as wrong credentials.</summary>
    StepUpCodeNotLive,

    /// <summary>Logins need the step-up and a live code was brought: check it, then the password.</summary>
    CheckStepUpCode,

    /// <summary>A temporary lockout holds and no step-up code was brought: refused unchecked, and the attempt counts.</summary>
    RefusedDuringLockout,

    /// <summary>Nothing stands in the way: check the password.</summary>
    CheckPassword,
}

/// <summary>What the account knows when a login arrives.</summary>
/// <param name="HasUsablePassword">An activated, unlocked account with a password.</param>
/// <param name="PasswordFailures">The password factor's failure counters (null while there are none).</param>
/// <param name="StepUpCodeBrought">The login brought a step-up code.</param>
/// <param name="StepUpCodeLive">A step-up code sent to the phone on record is waiting and unexpired.</param>
public readonly record struct LoginAttempt(bool HasUsablePassword, FactorFailures? PasswordFailures, bool StepUpCodeBrought, bool StepUpCodeLive);

/// <summary>
/// The login decision tree (docs/domain.md, "The procedures": lockouts, step-up, the risk rule), apart from any grain so that it is tested
/// alone, in the shape of <see cref="BruteForceGuard"/>: a stranger's failures lead to temporary lockouts and then to a
/// step-up the owner passes with the password and a code to the phone on record, even during a lockout; never to a lock.
/// </summary>
public static class LoginDecision
{
    public static LoginStep Next(LoginAttempt attempt, BruteForceOptions options, DateTimeOffset now)
    {
        if (!attempt.HasUsablePassword) return LoginStep.NoUsablePassword;
        if (BruteForceGuard.NeedsStepUp(attempt.PasswordFailures, options, now))
        {
            // The temporary lockout does not hold back a login that brings the code sent to the phone on record.
            if (!attempt.StepUpCodeBrought) return LoginStep.StepUpRequired;
            return attempt.StepUpCodeLive ? LoginStep.CheckStepUpCode : LoginStep.StepUpCodeNotLive;
        }
        return BruteForceGuard.LockedFor(attempt.PasswordFailures, now) is not null ? LoginStep.RefusedDuringLockout : LoginStep.CheckPassword;
    }

    /// <summary>
    /// The risk rule: a successful login after wrong passwords since the last sign-in is advised a code to the phone (the
    /// provider asks for one), unless this login already proved the phone with a step-up code.
    /// </summary>
    public static bool CodeAdvised(LoginAttempt attempt) => !attempt.StepUpCodeBrought && attempt.PasswordFailures is { Consecutive: > 0 };

}
