using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>Locking (owner, officer, operator, or the brute-force guard) and unlocking (officer, operator).</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<AccountView>> LockAsync(Actor actor, string reason)
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Lock)) return _lifecycle.ConflictFor(AccountTrigger.Lock);
        await LockNowAsync(actor, reason, Now());
        await CommitAsync();
        return Result.Ok(View());
    }

    public async Task<Result<AccountView>> UnlockAsync(Actor actor, string reason)
    {
        if (actor.Role is not (ActorRole.Officer or ActorRole.Operator))
            return ErrorCatalogue.Forbidden.Refuse("Only an officer or an operator can unlock an account.");
        if (!Exists) return AccountRefusals.NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Unlock)) return _lifecycle.ConflictFor(AccountTrigger.Unlock);

        // The unlock's reason is required: outside an officer's hours, or by an operator, the unlock is an exception (audited, reported).
        var (_, exception) = StaffRule(actor, reason, "unlocked");
        var now = Now();
        State.Lock = null;
        // The officer has checked who the citizen is: counters from before the lock no longer count.
        State.PasswordFailures = null;
        State.OtpFailures = null;
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Unlock);
        Raise(AccountEventKind.Unlocked, outcome, actor, exception.Length == 0 ? reason : $"{reason} (as an EXCEPTION)", now, ToOwner(code: null));
        await CommitAsync();
        return Result.Ok(View());
    }

    private async Task LockNowAsync(Actor actor, string reason, DateTimeOffset now)
    {
        State.Lock = new LockRecord { Reason = reason, ActorRole = actor.Role, ActorId = actor.Id, LockedAt = now };
        State.Otp = null;
        State.RecoveryOtp = null;
        // Every session ends with the lock; the gateway asks the grain on each request.
        var ended = EndAllSessions();
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Lock);
        Raise(AccountEventKind.Locked, outcome, actor, reason, now, ToOwner(code: null), ended);
    }
}
