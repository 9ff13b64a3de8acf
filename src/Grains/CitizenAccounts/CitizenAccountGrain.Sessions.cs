using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.CitizenAccounts;

/// <summary>Login, refresh-token rotation, the gateway's per-request session check, logout.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<LoginGrant>> LogInAsync(string password)
    {
        var now = Now();
        if (!Exists)
        {
            passwords.SpendCheck(password);
            return PhantomFailure(_phantomPasswordFailures, now, AccountRefusals.LoginLockedOut, AccountRefusals.InvalidCredentials());
        }

        if (BruteForceGuard.LockedFor(State.PasswordFailures, now) is { } lockedFor)
        {
            // Refused without a password check; the attempt still counts toward the permanent lock.
            await CountLoginFailureAsync(now, "attempt during a temporary lockout");
            return State.Lifecycle.Status == AccountStatus.Locked ? AccountRefusals.InvalidCredentials() : AccountRefusals.LoginLockedOut(lockedFor);
        }
        if (State.Lifecycle.Status == AccountStatus.Locked || State.PasswordHash is null)
        {
            passwords.SpendCheck(password);
            Raise(AccountEventKind.LoginFailed, Unchanged(), SystemActor, State.PasswordHash is null ? "not activated" : "account locked", now);
            await CommitAsync();
            return AccountRefusals.InvalidCredentials();
        }

        var verdict = passwords.Verify(State.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed) return await CountLoginFailureAsync(now, "wrong password");
        if (!_lifecycle.CanFire(AccountTrigger.LogIn)) return _lifecycle.ConflictFor(AccountTrigger.LogIn);

        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        BruteForceGuard.Reset(State.PasswordFailures);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) State.PasswordHash = passwords.Hash(password);
        var (session, secret) = SessionBook.Open(State.Sessions, sessionOptions.Value, now);
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), null, now);
        await CommitAsync();
        return Result.Ok(Grant(session, secret));
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
                Raise(AccountEventKind.RefreshTokenReused, Unchanged(), SystemActor, $"session {sessionId}", now, ToOwner(code: null));
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
        Raise(AccountEventKind.LoggedOut, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"session {sessionId}", Now());
        await CommitAsync();
    }

    private LoginGrant Grant(SessionRecord session, string secret) =>
        new(AccountId, _lifecycle.Level, session.Id, SessionBook.RefreshToken(AccountId, session.Id, secret), session.RefreshExpiresAt);
}
