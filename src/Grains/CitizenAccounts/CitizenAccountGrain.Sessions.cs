using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.CitizenAccounts;

/// <summary>Login, refresh-token rotation, the gateway's per-request session check, logout.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<LoginGrant>> LogInAsync(string password, string? stepUpCode)
    {
        var now = Now();
        // No account, not activated or locked: no password can be right. Counted in memory exactly as an active
        // account counts, so the answers (401, 429, step-up) follow the same pattern for every ID number.
        if (!Exists || State.PasswordHash is null || State.Lifecycle.Status == AccountStatus.Locked)
        {
            passwords.SpendCheck(password);
            return await PhantomLoginFailureAsync(stepUpCode, now);
        }

        if (BruteForceGuard.NeedsStepUp(State.PasswordFailures, Lockout, now))
        {
            // The temporary lockout does not hold back a login that brings the code sent to the phone on record.
            if (stepUpCode is null)
            {
                passwords.SpendCheck(password);
                return ErrorCatalogue.StepUpRequired.Refuse();
            }
            // A step-up login needs the password and the code together and answers alike whichever is wrong, so a
            // guessed code is worth nothing alone: wrong codes void the code (after Otp:MaxWrongAttempts) but do not
            // lock the code factor, or a stranger could keep the owner's step-up locked.
            if (!OtpIssuer.IsLive(State.StepUpOtp, now))
            {
                passwords.SpendCheck(password);
                await AnswerAsIfCommittedAsync();
                return AccountRefusals.InvalidCredentials();
            }
            if (!codes.Verify(AccountId, State.StepUpOtp!, stepUpCode))
            {
                passwords.SpendCheck(password);
                codes.CountWrongEntry(State, State.StepUpOtp!);
                Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, "step-up code", now);
                await CommitAsync();
                return AccountRefusals.InvalidCredentials();
            }
            State.StepUpOtp = null;
        }
        else if (BruteForceGuard.LockedFor(State.PasswordFailures, now) is not null)
        {
            // Refused without a password check; the attempt still counts toward the step-up.
            passwords.SpendCheck(password);
            return await CountLoginFailureAsync(now, "attempt during a temporary lockout");
        }

        var verdict = passwords.Verify(State.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed) return await CountLoginFailureAsync(now, "wrong password", steppedUp: stepUpCode is not null);
        if (!_lifecycle.CanFire(AccountTrigger.LogIn)) return _lifecycle.ConflictFor(AccountTrigger.LogIn);

        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        // The risk rule: wrong passwords since the last sign-in, unless this one already proved the phone.
        var codeAdvised = stepUpCode is null && State.PasswordFailures is { Consecutive: > 0 };
        State.PasswordFailures = null;
        if (stepUpCode is not null) State.OtpFailures = null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) State.PasswordHash = passwords.Hash(password);
        var before = State.Sessions.Select(s => s.Id).ToList();
        var (session, secret) = SessionBook.Open(State.Sessions, sessionOptions.Value, now);
        // The oldest sessions beyond the limit (and expired ones) closed: relying parties holding them are told.
        var closed = before.Where(id => !SessionBook.IsOpen(State.Sessions, id, now)).ToList();
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), stepUpCode is null ? null : "with step-up code", now,
            endedSessions: closed);
        await CommitAsync();
        return Result.Ok(Grant(session, secret) with { CodeAdvised = codeAdvised });
    }

    /// <summary>
    /// Sends a step-up code to the phone on record when the account's logins need one and the send limits allow it.
    /// Says nothing either way: the caller may not own the account.
    /// </summary>
    public async Task RequestStepUpCodeAsync()
    {
        var now = Now();
        if (!Exists || State.PasswordHash is null || State.Lifecycle.Status == AccountStatus.Locked || State.Phone is null
            || !BruteForceGuard.NeedsStepUp(State.PasswordFailures, Lockout, now) || codes.SendWait(State, now) is not null)
        {
            await AnswerAsIfCommittedAsync();
            return;
        }

        State.StepUpOtp = codes.Issue(State, AccountId, now, out var code);
        Raise(AccountEventKind.OtpIssued, Unchanged(), SystemActor, "step-up login", now,
            [CodeTo(NotificationChannel.Sms, State.Phone, code)]);
        await CommitAsync();
    }

    /// <summary>
    /// The phantom's answer: the password factor, then the step-up code, counted as an account counts them; where the
    /// account would commit (a counted failure, a step-up code checked), answered after as long as that commit would take.
    /// </summary>
    private async Task<Refusal> PhantomLoginFailureAsync(string? stepUpCode, DateTimeOffset now)
    {
        if (BruteForceGuard.NeedsStepUp(PhantomPasswordFailures, Lockout, now))
        {
            if (stepUpCode is null) return ErrorCatalogue.StepUpRequired.Refuse();
            await AnswerAsIfCommittedAsync();
            return AccountRefusals.InvalidCredentials();
        }
        var duringLockout = BruteForceGuard.LockedFor(PhantomPasswordFailures, now) is not null;
        var verdict = BruteForceGuard.RecordFailure(PhantomPasswordFailures, Lockout, now);
        KeepPhantomAlive(verdict);
        await AnswerAsIfCommittedAsync();
        return LoginFailureAnswer(PhantomPasswordFailures, verdict, duringLockout, now);
    }

    public async Task<Result<LoginGrant>> RefreshAsync(string sessionId, string refreshSecret)
    {
        var now = Now();
        if (!Exists || State.Lifecycle.Status == AccountStatus.Locked) return AccountRefusals.InvalidRefresh();

        switch (SessionBook.Refresh(State.Sessions, sessionId, refreshSecret, now, out var session, out var secret))
        {
            case RefreshVerdict.Rotated:
                await SaveAsync();
                return Result.Ok(Grant(session!, secret!));
            case RefreshVerdict.Reused:
                Raise(AccountEventKind.RefreshTokenReused, Unchanged(), SystemActor, $"session {sessionId}", now, ToOwner(code: null), [sessionId]);
                await CommitAsync();
                return ErrorCatalogue.RefreshReused.Refuse();
            default:
                return AccountRefusals.InvalidRefresh();
        }
    }

    public Task<AccountView?> GetForSessionAsync(string sessionId) =>
        Task.FromResult(Exists && State.Lifecycle.Status != AccountStatus.Locked &&
                        SessionBook.IsOpen(State.Sessions, sessionId, clock.GetUtcNow()) ? View() : null);

    public async Task LogOutAsync(string sessionId)
    {
        if (!Exists || !SessionBook.Close(State.Sessions, sessionId)) return;
        Raise(AccountEventKind.LoggedOut, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"session {sessionId}", Now(), endedSessions: [sessionId]);
        await CommitAsync();
    }

    public async Task LogOutEverywhereAsync()
    {
        if (!Exists || State.Sessions.Count == 0) return;
        var ended = EndAllSessions();
        Raise(AccountEventKind.LoggedOut, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "every session", Now(), endedSessions: ended);
        await CommitAsync();
    }

    private LoginGrant Grant(SessionRecord session, string secret) =>
        new(AccountId, _lifecycle.Level, session.Id, SessionBook.RefreshToken(AccountId, session.Id, secret), session.RefreshExpiresAt);
}
