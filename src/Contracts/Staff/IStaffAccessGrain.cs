using Orleans.Concurrency;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Staff;

/// <summary>
/// The accountability of service accounts (officers, operators): login failures counted per client id, lockouts that
/// alert operators, revoked tokens, and a hash-chained audit trail per service account (<c>staff:&lt;client id&gt;</c>).
/// One grain for the platform: staff requests are few next to citizens'.
/// </summary>
public interface IStaffAccessGrain : IGrainWithIntegerKey
{
    /// <summary>How long logins of this client id are still refused, or null.</summary>
    [ReadOnly]
    Task<TimeSpan?> LockedForAsync(string clientId);

    /// <summary>Records a login (audited for a configured account); returns how long the client is now locked out, or null.</summary>
    Task<TimeSpan?> RecordLoginAsync(string clientId, bool configured, bool succeeded, string? address);

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
