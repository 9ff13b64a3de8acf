using Npgsql;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Notifications;

/// <summary>
/// The logouts an account event owes relying parties: for each session the event ended, every relying party that holds
/// tokens for it (<c>oidc.relying_party_sessions</c>, written by the provider at consent) is owed a back-channel logout
/// token (<c>oidc.logout_deliveries</c>, sent by the gateway until it is answered 2xx). Added to the batch that stores the
/// event's audit entry, so the debt is durable exactly when the event is; a repeat of the event adds nothing.
/// </summary>
public static class BackChannelLogouts
{
    public static void AddOwed(NpgsqlBatch batch, AccountEvent evt)
    {
        if (evt.WithdrawnClient is { } client) AddWithdrawn(batch, evt, client);
        if (evt.EndedSessions.Count == 0) return;
        var sessions = evt.EndedSessions.ToArray();
        var owe = new NpgsqlBatchCommand(
            "insert into oidc.logout_deliveries (event_id, client_id, subject, sid) " +
            "select $1, client_id, subject, sid from oidc.relying_party_sessions where account_id = $2 and session_id = any($3) " +
            "on conflict (event_id, client_id, sid) do nothing");
        owe.Parameters.AddWithValue(evt.EventId);
        owe.Parameters.AddWithValue(evt.AccountId);
        owe.Parameters.AddWithValue(sessions);
        var forget = new NpgsqlBatchCommand("delete from oidc.relying_party_sessions where account_id = $1 and session_id = any($2)");
        forget.Parameters.AddWithValue(evt.AccountId);
        forget.Parameters.AddWithValue(sessions);
        batch.BatchCommands.Add(owe);
        batch.BatchCommands.Add(forget);
    }

    /// <summary>
    /// A withdrawn consent: that relying party alone is owed a logout for every session of the account it holds tokens
    /// for, and forgets the account (no more security events for it).
    /// </summary>
    private static void AddWithdrawn(NpgsqlBatch batch, AccountEvent evt, string clientId)
    {
        var owe = new NpgsqlBatchCommand(
            "insert into oidc.logout_deliveries (event_id, client_id, subject, sid) " +
            "select $1, client_id, subject, sid from oidc.relying_party_sessions where account_id = $2 and client_id = $3 " +
            "on conflict (event_id, client_id, sid) do nothing");
        owe.Parameters.AddWithValue(evt.EventId);
        owe.Parameters.AddWithValue(evt.AccountId);
        owe.Parameters.AddWithValue(clientId);
        var forgetSessions = new NpgsqlBatchCommand("delete from oidc.relying_party_sessions where account_id = $1 and client_id = $2");
        forgetSessions.Parameters.AddWithValue(evt.AccountId);
        forgetSessions.Parameters.AddWithValue(clientId);
        var forgetAccount = new NpgsqlBatchCommand("delete from oidc.relying_party_accounts where account_id = $1 and client_id = $2");
        forgetAccount.Parameters.AddWithValue(evt.AccountId);
        forgetAccount.Parameters.AddWithValue(clientId);
        batch.BatchCommands.Add(owe);
        batch.BatchCommands.Add(forgetSessions);
        batch.BatchCommands.Add(forgetAccount);
    }
}
