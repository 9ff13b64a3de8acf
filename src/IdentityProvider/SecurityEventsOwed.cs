using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Events;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>
/// A security event a relying party is told of (OpenID Shared Signals: CAEP and RISC event types), with the members of
/// its payload beyond the time and who initiated it.
/// </summary>
public sealed record SecurityEvent(string Type, IReadOnlyDictionary<string, string> Detail)
{
    public const string AccountDisabled = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    public const string AccountEnabled = "https://schemas.openid.net/secevent/risc/event-type/account-enabled";
    public const string IdentifierChanged = "https://schemas.openid.net/secevent/risc/event-type/identifier-changed";
    public const string SessionRevoked = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public const string CredentialChange = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    public const string AssuranceLevelChange = "https://schemas.openid.net/secevent/caep/event-type/assurance-level-change";

    private static readonly Dictionary<string, string> None = new();

    /// <summary>
    /// The security events an account event means to relying parties that have seen the account: a lock disables it and
    /// an unlock enables it again; a logout or a reused refresh token revokes sessions; a new password (changed or
    /// recovered) changes a credential, and so does a passkey added or removed; a level-2 activation raises the assurance level; a new phone or e-mail changes an
    /// identifier (without the new value). Everything else means nothing to them.
    /// </summary>
    public static IReadOnlyList<SecurityEvent> For(PublishedAccountEvent evt) => evt.Kind switch
    {
        AccountEventKind.Locked => [new(AccountDisabled, None)],
        AccountEventKind.Unlocked => [new(AccountEnabled, None)],
        AccountEventKind.LoggedOut or AccountEventKind.RefreshTokenReused => [new(SessionRevoked, None)],
        AccountEventKind.PasswordChanged => [new(CredentialChange, new Dictionary<string, string> { ["credential_type"] = "password", ["change_type"] = "update" })],
        AccountEventKind.Activated when evt.To == AccountStatus.Level2 => [new(AssuranceLevelChange, new Dictionary<string, string>
        {
            ["namespace"] = "urn:vneid:acr", ["previous_level"] = "urn:vneid:level1", ["current_level"] = "urn:vneid:level2", ["change_direction"] = "increase",
        })],
        AccountEventKind.ContactChanged => [new(IdentifierChanged, None)],
        AccountEventKind.PasskeyAdded => [new(CredentialChange, new Dictionary<string, string> { ["credential_type"] = "fido2-platform", ["change_type"] = "create" })],
        AccountEventKind.PasskeyRemoved => [new(CredentialChange, new Dictionary<string, string> { ["credential_type"] = "fido2-platform", ["change_type"] = "delete" })],
        _ => [],
    };

    /// <summary>CAEP's <c>initiating_entity</c> for the event's actor.</summary>
    public static string InitiatingEntity(ActorRole role) => role switch
    {
        ActorRole.Citizen => "user",
        ActorRole.Officer or ActorRole.Operator => "admin",
        _ => "system",
    };
}

/// <summary>Where the security events owed to relying parties are kept until the gateway delivers them.</summary>
public interface ISecurityEventStore
{
    /// <summary>
    /// Owes each relying party that has seen an event's account the event's security events; a repeat of the same event
    /// owes nothing more (the stream delivers at least once).
    /// </summary>
    Task OweAsync(IReadOnlyList<(PublishedAccountEvent Event, IReadOnlyList<SecurityEvent> Means)> events);
}

/// <summary>
/// <c>oidc.security_event_deliveries</c>, one row per event, relying party and event type, for the relying parties in
/// <c>oidc.relying_party_accounts</c> (those registered for security events that the citizen consented to).
/// </summary>
public sealed class PostgresSecurityEventStore(NpgsqlDataSource database) : ISecurityEventStore
{
    public async Task OweAsync(IReadOnlyList<(PublishedAccountEvent Event, IReadOnlyList<SecurityEvent> Means)> events)
    {
        await using var batch = database.CreateBatch();
        foreach (var (evt, securityEvent) in events.SelectMany(e => e.Means.Select(m => (e.Event, m))))
        {
            var owe = new NpgsqlBatchCommand(
                "insert into oidc.security_event_deliveries (event_id, client_id, account_id, subject, event_type, occurred_at, initiating_entity, detail) " +
                "select $1, client_id, account_id, subject, $3, $4, $5, $6::jsonb from oidc.relying_party_accounts where account_id = $2 " +
                "on conflict (event_id, client_id, event_type) do nothing");
            owe.Parameters.AddWithValue(evt.EventId);
            owe.Parameters.AddWithValue(evt.AccountId);
            owe.Parameters.AddWithValue(securityEvent.Type);
            owe.Parameters.AddWithValue(evt.OccurredAt);
            owe.Parameters.AddWithValue(SecurityEvent.InitiatingEntity(evt.ActorRole));
            owe.Parameters.AddWithValue(JsonSerializer.Serialize(securityEvent.Detail));
            batch.BatchCommands.Add(owe);
        }
        await batch.ExecuteNonQueryAsync();
    }
}

/// <summary>The security events owed, in memory (grain tests): by event id, each owed once.</summary>
public sealed class InMemorySecurityEventStore : ISecurityEventStore
{
    public ConcurrentDictionary<string, IReadOnlyList<SecurityEvent>> Owed { get; } = new();

    public Task OweAsync(IReadOnlyList<(PublishedAccountEvent Event, IReadOnlyList<SecurityEvent> Means)> events)
    {
        foreach (var (evt, means) in events) Owed.TryAdd(evt.EventId, means);
        return Task.CompletedTask;
    }
}
