using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>Login, refresh-token rotation, the gateway's per-request session check, logout.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<LoginGrant>> LogInAsync(string password, string? stepUpCode, string? device = null)
    {
        var now = Now();
        var usable = Exists && State.PasswordHash is not null && State.Lifecycle.Status != AccountStatus.Locked;
        var attempt = new LoginAttempt(usable, usable ? State.PasswordFailures : null, stepUpCode is not null,
            usable && OtpIssuer.IsLive(State.StepUpOtp, now));
        switch (LoginDecision.Next(attempt, Lockout, now))
        {
            case LoginStep.NoUsablePassword:
                // Counted in memory exactly as an active account counts, so the answers (401, 429, step-up) follow the
                // same pattern for every ID number.
                passwords.SpendCheck(password);
                return PhantomLoginFailure(stepUpCode, now);
            case LoginStep.StepUpRequired:
                passwords.SpendCheck(password);
                return ErrorCatalogue.StepUpRequired.Refuse();
            case LoginStep.StepUpCodeNotLive:
                passwords.SpendCheck(password);
                return Paced<LoginGrant>(AccountRefusals.InvalidCredentials());
            case LoginStep.CheckStepUpCode:
                if (!codes.Verify(AccountId, State.StepUpOtp!, stepUpCode))
                {
                    // Answered alike whichever of password and code is wrong, so a guessed code is worth nothing alone:
                    // wrong codes void the code but never lock the code factor, or a stranger could keep the step-up locked.
                    passwords.SpendCheck(password);
                    codes.CountWrongEntry(State, State.StepUpOtp!);
                    Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, "step-up code", now);
                    await CommitAsync();
                    return AccountRefusals.InvalidCredentials();
                }
                State.StepUpOtp = null;
                break;
            case LoginStep.RefusedDuringLockout:
                passwords.SpendCheck(password);
                return await CountLoginFailureAsync(now, "attempt during a temporary lockout");
        }

        var verdict = passwords.Verify(State.PasswordHash!, password);
        if (verdict == PasswordVerificationResult.Failed) return await CountLoginFailureAsync(now, "wrong password", steppedUp: stepUpCode is not null);
        if (!_lifecycle.CanFire(AccountTrigger.LogIn)) return _lifecycle.ConflictFor(AccountTrigger.LogIn);

        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        var codeAdvised = LoginDecision.CodeAdvised(attempt);
        State.PasswordFailures = null;
        if (stepUpCode is not null) State.OtpFailures = null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) State.PasswordHash = passwords.Hash(password);
        var (session, secret, closed) = StartSession(device, now);
        if (stepUpCode is not null) (session.CodeProvenAt, session.TwoFactors) = (now, true);
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), stepUpCode is null ? null : "with step-up code", now,
            endedSessions: closed);
        await CommitAsync();
        return Result.Ok(Grant(session, secret) with { CodeAdvised = codeAdvised });
    }

    /// <summary>
    /// Sends a step-up code to the phone on record when the account's logins need one, the password is right and the
    /// owner's send limits allow it: only the password's holder spends the owner's budget. Says nothing either way (the
    /// same answer and time), so it is no oracle for the password either; wrong passwords here are not counted, since
    /// nothing comes back to the caller but the owner's own SMS.
    /// </summary>
    public async Task<Result<bool>> RequestStepUpCodeAsync(string password)
    {
        var now = Now();
        var wanted = Exists && State.PasswordHash is not null && State.Lifecycle.Status != AccountStatus.Locked && State.Phone is not null
                     && BruteForceGuard.NeedsStepUp(State.PasswordFailures, Lockout, now);
        var proven = wanted && passwords.Verify(State.PasswordHash!, password) != PasswordVerificationResult.Failed;
        if (!wanted) passwords.SpendCheck(password);
        if (!wanted || !proven || codes.SendWait(State, now, CodeBudget.Owner) is not null) return Paced(Result.Ok(true));

        State.StepUpOtp = codes.Issue(State, AccountId, now, CodeBudget.Owner, out var code);
        Raise(AccountEventKind.OtpIssued, Unchanged(), SystemActor, "step-up login", now,
            [CodeTo(NotificationChannel.Sms, State.Phone!, code)]);
        await CommitAsync();
        return Result.Ok(true);
    }

    /// <summary>
    /// The phantom's answer: the password factor, then the step-up code, counted as an account counts them; where the
    /// account would commit (a counted failure, a step-up code checked), paced as long as that commit would take.
    /// </summary>
    private Result<LoginGrant> PhantomLoginFailure(string? stepUpCode, DateTimeOffset now)
    {
        if (BruteForceGuard.NeedsStepUp(PhantomPasswordFailures, Lockout, now))
            return stepUpCode is null ? ErrorCatalogue.StepUpRequired.Refuse() : Paced<LoginGrant>(AccountRefusals.InvalidCredentials());
        var duringLockout = BruteForceGuard.LockedFor(PhantomPasswordFailures, now) is not null;
        var verdict = BruteForceGuard.RecordFailure(PhantomPasswordFailures, Lockout, now);
        KeepPhantomAlive(verdict);
        return Paced<LoginGrant>(LoginFailureAnswer(PhantomPasswordFailures, verdict, duringLockout, now));
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

    public async Task WithdrawServiceAsync(string clientId, string serviceName)
    {
        if (!Exists) return;
        Raise(AccountEventKind.ServiceWithdrawn, Unchanged(), new Actor(ActorRole.Citizen, AccountId),
            $"withdrew the consent given to {serviceName} ({clientId})", Now());
        State.PendingEvents[^1] = State.PendingEvents[^1] with { WithdrawnClient = clientId };
        await CommitAsync();
    }

    public async Task LogOutEverywhereAsync()
    {
        if (!Exists || State.Sessions.Count == 0) return;
        var ended = EndAllSessions();
        Raise(AccountEventKind.LoggedOut, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "every session", Now(), endedSessions: ended);
        await CommitAsync();
    }

    /// <summary>
    /// Opens a session for <paramref name="device"/>; the oldest sessions beyond the limit (and expired ones) close, and
    /// their ids come back so that relying parties holding them are told.
    /// </summary>
    private (SessionRecord Session, string Secret, List<string> Closed) StartSession(string? device, DateTimeOffset now)
    {
        var before = State.Sessions.Select(s => s.Id).ToList();
        var (session, secret) = SessionBook.Open(State.Sessions, sessionOptions.Value, now);
        session.Device = device is { Length: > 0 } ? device[..Math.Min(device.Length, 80)] : null;
        return (session, secret, before.Where(id => !SessionBook.IsOpen(State.Sessions, id, now)).ToList());
    }

    private LoginGrant Grant(SessionRecord session, string secret) =>
        new(AccountId, _lifecycle.Level, session.Id, SessionBook.RefreshToken(AccountId, session.Id, secret), session.RefreshExpiresAt);
}
