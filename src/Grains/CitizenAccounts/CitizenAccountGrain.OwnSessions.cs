using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>What the owner does with their own sessions and password from a signed-in session (the account console).</summary>
public sealed partial class CitizenAccountGrain
{
    public Task<IReadOnlyList<SessionSummary>> GetSessionsAsync(string currentSessionId)
    {
        var now = clock.GetUtcNow();
        if (!Exists || !SessionBook.IsOpen(State.Sessions, currentSessionId, now)) return Task.FromResult<IReadOnlyList<SessionSummary>>([]);
        IReadOnlyList<SessionSummary> open = [.. State.Sessions.Where(s => s.RefreshExpiresAt > now).OrderByDescending(s => s.CreatedAt)
            .Select(s => new SessionSummary(SessionBook.HandleOf(s.Id), s.CreatedAt, s.Device, s.Id == currentSessionId))];
        return Task.FromResult(open);
    }

    public async Task<bool> LogOutSessionAsync(string currentSessionId, string handle)
    {
        if (!Exists || !SessionBook.IsOpen(State.Sessions, currentSessionId, Now())) return false;
        var target = State.Sessions.Find(s => SessionBook.HandleOf(s.Id) == handle);
        if (target is null) return false;
        await LogOutAsync(target.Id);
        return true;
    }

    public async Task<Result<AccountView>> ChangePasswordAsync(string sessionId, string currentPassword, string newPassword)
    {
        var now = Now();
        if (!Exists || State.PasswordHash is null || State.Lifecycle.Status == AccountStatus.Locked || !SessionBook.IsOpen(State.Sessions, sessionId, now))
            return ErrorCatalogue.TokenRevoked.Refuse();
        if (BruteForceGuard.LockedFor(State.PasswordFailures, now) is { } wait)
            return ErrorCatalogue.TooManyAttempts.Refuse(wait);
        var problems = passwords.ProblemsWith(newPassword);
        if (problems.Count > 0) return AccountRefusals.Validation(new() { ["newPassword"] = [.. problems] });
        if (passwords.Verify(State.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
            return await CountLoginFailureAsync(now, "wrong current password at a password change");

        State.PasswordHash = passwords.Hash(newPassword);
        State.PasswordFailures = null;
        var ended = EndAllSessions();
        Raise(AccountEventKind.PasswordChanged, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "password changed by the owner", now, ToOwner(code: null), ended);
        await CommitAsync();
        return Result.Ok(View());
    }
}
