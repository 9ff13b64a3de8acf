using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// The account's contacts. The phone is the registry's (or the one an officer recorded at the desk); e-mail is a second
/// channel the owner adds after activation, confirmed by a code sent to it. Every change tells the previous contacts.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<int>> RequestEmailAsync(string email)
    {
        if (NotActive() is { } inactive) return inactive;
        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (codes.SendLimit(State, now, CodeBudget.Owner) is { } limit) return limit;

        var address = email.Trim();
        var otp = codes.Issue(State, AccountId, now, CodeBudget.Owner, out var code);
        State.EmailChange = new PendingEmail { Address = address, Otp = otp };
        Raise(AccountEventKind.OtpIssued, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "e-mail confirmation", now,
            [CodeTo(NotificationChannel.Email, address, code)]);
        await CommitAsync();
        return Result.Ok(codes.ValiditySeconds);
    }

    public async Task<Result<AccountView>> ConfirmEmailAsync(string code)
    {
        if (NotActive() is { } inactive) return inactive;
        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (State.EmailChange is not { } change || !OtpIssuer.IsLive(change.Otp, now))
            return ErrorCatalogue.OtpExpired.Refuse("No e-mail confirmation is waiting: ask for a new code.");
        if (!codes.Verify(AccountId, change.Otp, code))
            return await WrongCodeAsync(change.Otp, now) ?? (State.EmailChange is null ? codes.Voided(State, now) : AccountRefusals.InvalidCode());

        State.EmailChange = null;
        ChangeContacts(State.Phone, change.Address, new Actor(ActorRole.Citizen, AccountId), "e-mail address confirmed by the owner", now);
        await CommitAsync();
        return Result.Ok(View());
    }

    private Refusal? NotActive() =>
        Exists && _lifecycle.IsActive
            ? null
            : _lifecycle.WithState(ErrorCatalogue.InvalidState.Refuse("Only an active account adds an e-mail address."));

    /// <summary>
    /// Replaces the phone and e-mail on record; when either changes, the previous phone and e-mail (and the new ones)
    /// are told, and the change is an audited event naming who made it.
    /// </summary>
    private void ChangeContacts(string? phone, string? email, Actor actor, string why, DateTimeOffset now)
    {
        if (phone == State.Phone && email == State.Email) return;
        var previous = ToOwner(code: null);
        string[] changes = [.. phone != State.Phone ? ["phone"] : Array.Empty<string>(), .. email != State.Email ? ["e-mail"] : Array.Empty<string>()];
        var changed = string.Join(" and ", changes);
        State.Phone = phone;
        State.Email = email;
        var notices = previous.Concat(ToOwner(code: null)).DistinctBy(n => (n.Channel, n.Recipient)).ToList();
        Raise(AccountEventKind.ContactChanged, Unchanged(), actor, $"{changed} changed: {why}", now, notices);
    }
}
