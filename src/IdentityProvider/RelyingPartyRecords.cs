using Npgsql;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>
/// What the provider keeps, beside the relying-party registry, of which relying party holds which account: the account
/// sessions it signed in with (<c>oidc.relying_party_sessions</c>: whom a back-channel logout goes to), the subject it
/// knows the account by when it takes security events (<c>oidc.relying_party_accounts</c>), and the last security event
/// owed to one whose consent was withdrawn.
/// </summary>
public static class RelyingPartyRecords
{
    /// <summary>RISC's "tokens revoked": every token the provider issued the relying party for the subject was revoked.</summary>
    public const string TokensRevoked = "https://schemas.openid.net/secevent/risc/event-type/tokens-revoked";

    /// <summary>The relying party holds tokens of this account session: it is owed a back-channel logout when the session ends.</summary>
    public static async Task RecordSessionAsync(NpgsqlDataSource dataSource, string accountId, string sessionId, string clientId, string subject, string sid)
    {
        await using var command = dataSource.CreateCommand(
            "insert into oidc.relying_party_sessions (account_id, session_id, client_id, subject, sid) values ($1, $2, $3, $4, $5) " +
            "on conflict (account_id, session_id, client_id) do update set subject = excluded.subject, sid = excluded.sid");
        foreach (var value in new[] { accountId, sessionId, clientId, subject, sid }) command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The session ended before the relying party's code left: nothing is owed to it for that session.</summary>
    public static async Task ForgetSessionAsync(NpgsqlDataSource dataSource, string accountId, string sessionId, string clientId)
    {
        await using var command = dataSource.CreateCommand(
            "delete from oidc.relying_party_sessions where account_id = $1 and session_id = $2 and client_id = $3");
        foreach (var value in new[] { accountId, sessionId, clientId }) command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The relying party (registered for security events) has seen the account, by this subject.</summary>
    public static async Task RecordSubjectAsync(NpgsqlDataSource dataSource, string accountId, string clientId, string subject)
    {
        await using var command = dataSource.CreateCommand(
            "insert into oidc.relying_party_accounts (account_id, client_id, subject) values ($1, $2, $3) " +
            "on conflict (account_id, client_id) do update set subject = excluded.subject");
        foreach (var value in new[] { accountId, clientId, subject }) command.Parameters.AddWithValue(value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Owes the relying party a "tokens revoked" event for the account, when it takes the account's security events: the
    /// citizen withdrew its consent. Written before the withdrawal is recorded on the account (which stops the account's
    /// later events to it), so this last one is always sent.
    /// </summary>
    public static async Task OweTokensRevokedAsync(NpgsqlDataSource dataSource, string accountId, string clientId, DateTimeOffset at)
    {
        await using var command = dataSource.CreateCommand(
            "insert into oidc.security_event_deliveries (event_id, client_id, account_id, subject, event_type, occurred_at, initiating_entity) " +
            "select $1, client_id, account_id, subject, $2, $3, 'user' from oidc.relying_party_accounts where account_id = $4 and client_id = $5 " +
            "on conflict (event_id, client_id, event_type) do nothing");
        command.Parameters.AddWithValue("withdrawn:" + Guid.NewGuid().ToString("N"));
        command.Parameters.AddWithValue(TokensRevoked);
        command.Parameters.AddWithValue(at);
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(clientId);
        await command.ExecuteNonQueryAsync();
    }
}
