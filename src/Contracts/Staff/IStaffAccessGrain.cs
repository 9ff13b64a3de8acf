using Orleans.Concurrency;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Staff;

/// <summary>
/// The accountability of service accounts (officers, operators): login failures counted per client id and source address
/// (a stranger elsewhere never locks the officer out), lockouts and guessing that alert operators, the second factor's
/// used time steps (a code works once), revoked tokens, and a hash-chained audit trail per service account
/// (<c>staff:&lt;client id&gt;</c>). One grain for the platform: staff requests are few next to citizens'.
/// </summary>
public interface IStaffAccessGrain : IGrainWithIntegerKey
{
    /// <summary>How long logins of this client id from this address are still refused, or null.</summary>
    [ReadOnly]
    Task<TimeSpan?> LockedForAsync(string clientId, string address);

    /// <summary>
    /// Records a login (audited for a configured account): it succeeds when the account is configured, the secret was
    /// right and the second factor's code matched a time step not used before. Failures count per client id and address.
    /// </summary>
    Task<StaffLoginVerdict> RecordLoginAsync(StaffLoginAttempt attempt);

    /// <summary>Whether a token of <paramref name="clientId"/> with this id, issued then, was revoked.</summary>
    [ReadOnly]
    Task<bool> IsRevokedAsync(string clientId, string tokenId, DateTimeOffset issuedAt);

    /// <summary>Revokes one token until it would have expired (a staff logout).</summary>
    Task RevokeTokenAsync(string clientId, string tokenId, DateTimeOffset expiresAt);

    /// <summary>
    /// Revokes every token of <paramref name="clientId"/> issued at or before <paramref name="issuedUntil"/> (an operator's
    /// decision), on the clock of the gateways that issue and check tokens.
    /// </summary>
    Task RevokeAllAsync(string clientId, DateTimeOffset issuedUntil, Actor by, string reason);

    /// <summary>The newest staff security events, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<StaffSecurityEvent>> RecentEventsAsync(int limit);
}

/// <summary>A service account's security event as operators list it.</summary>
[GenerateSerializer, Immutable, Alias("vneid.StaffSecurityEvent")]
public sealed record StaffSecurityEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string ClientId,
    [property: Id(2)] AccountEventKind Kind,
    [property: Id(3)] string? Detail);

/// <summary>A service account's login as the gateway checked it.</summary>
/// <param name="ClientId">The service account's client id as typed.</param>
/// <param name="Configured">The client id names a configured officer or operator.</param>
/// <param name="SecretRight">The secret matched the account's hash.</param>
/// <param name="TotpStep">The time step the second factor's code matched (RFC 6238), or null when it matched none.</param>
/// <param name="Address">The client's address (the real one behind a trusted proxy): failures are counted per address.</param>
/// <param name="RefuseReplay">A code of a time step already used is refused (off only in Development).</param>
[GenerateSerializer, Immutable, Alias("vneid.StaffLoginAttempt")]
public sealed record StaffLoginAttempt(
    [property: Id(0)] string ClientId,
    [property: Id(1)] bool Configured,
    [property: Id(2)] bool SecretRight,
    [property: Id(3)] long? TotpStep,
    [property: Id(4)] string Address,
    [property: Id(5)] bool RefuseReplay = true);

/// <summary>Whether the login succeeded, and how long this client id is now refused from that address when it did not.</summary>
[GenerateSerializer, Immutable, Alias("vneid.StaffLoginVerdict")]
public sealed record StaffLoginVerdict([property: Id(0)] bool Succeeded, [property: Id(1)] TimeSpan? LockedFor);
