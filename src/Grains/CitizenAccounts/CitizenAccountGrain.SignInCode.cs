using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// The second factor of a sign-in at the OpenID Connect provider (level-2 requests, or when the risk rule advises it):
/// a code to the phone on record, bound to the session the password opened. The send limits and the code-failure
/// lockout are the account's own.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<int>> RequestSignInCodeAsync(string sessionId)
    {
        var now = Now();
        if (SessionEnded(sessionId, now) is { } ended) return ended;
        if (State.Phone is null) return ErrorCatalogue.NoPhoneOnRecord.Refuse();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (codes.SendLimit(State, now, CodeBudget.Owner) is { } limit) return limit;

        var otp = codes.Issue(State, AccountId, now, CodeBudget.Owner, out var code);
        State.SignInCode = new PendingSessionCode { SessionId = sessionId, Otp = otp };
        Raise(AccountEventKind.OtpIssued, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "sign-in at a public service", now,
            [CodeTo(NotificationChannel.Sms, State.Phone, code)]);
        await CommitAsync();
        return Result.Ok(codes.ValiditySeconds);
    }

    public async Task<Result<AccountView>> ConfirmSignInCodeAsync(string sessionId, string code)
    {
        var now = Now();
        if (SessionEnded(sessionId, now) is { } ended) return ended;
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (State.SignInCode is not { } pending || pending.SessionId != sessionId || !OtpIssuer.IsLive(pending.Otp, now))
            return ErrorCatalogue.OtpExpired.Refuse("No sign-in code is waiting: ask for a new one.");
        if (!codes.Verify(AccountId, pending.Otp, code))
            return await WrongCodeAsync(pending.Otp, now) ?? (State.SignInCode is null ? codes.Voided(State, now) : AccountRefusals.InvalidCode());

        State.SignInCode = null;
        State.OtpFailures = null;
        var session = State.Sessions.First(s => s.Id == sessionId);
        (session.CodeProvenAt, session.TwoFactors) = (now, true);
        await SaveAsync();
        return Result.Ok(View());
    }

    private Refusal? SessionEnded(string sessionId, DateTimeOffset now) =>
        Exists && State.Lifecycle.Status != AccountStatus.Locked && SessionBook.IsOpen(State.Sessions, sessionId, now)
            ? null
            : ErrorCatalogue.TokenRevoked.Refuse();
}
