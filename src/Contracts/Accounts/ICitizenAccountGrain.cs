using Orleans.Concurrency;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// One citizen's electronic identification account, keyed by the personal ID number.
/// Every accepted command is persisted before it is answered.
/// </summary>
public interface ICitizenAccountGrain : IGrainWithStringKey
{
    /// <summary>Level-1 declaration: checks the data against the registry and, on a match, sends an activation code.</summary>
    Task<AccountResult> DeclareAsync(DeclareAccount declaration);

    /// <summary>Sends a new activation code, within the cooldown and hourly limits.</summary>
    Task<AccountResult> ResendOtpAsync();

    /// <summary>Completes the activation with the code and the citizen's chosen password.</summary>
    Task<AccountResult> ActivateAsync(string otp, string newPassword);

    /// <summary>Checks the password of an active account.</summary>
    Task<LoginResult> LogInAsync(string password);

    /// <summary>Locks the account (the owner, an officer or an operator), remembering the state to return to.</summary>
    Task<AccountResult> LockAsync(Actor actor, string reason);

    /// <summary>Unlocks the account (an officer or an operator).</summary>
    Task<AccountResult> UnlockAsync(Actor actor, string reason);

    /// <summary>The account as a reader may see it, or null when nobody declared it.</summary>
    Task<AccountView?> GetAsync();

    /// <summary>The notification dispatcher confirms that events up to <paramref name="sequence"/> reached the outbox.</summary>
    [OneWay]
    Task AcknowledgeEventsAsync(long sequence);
}
