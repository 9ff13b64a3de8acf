using Npgsql;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

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
        // A withdrawn consent: that relying party alone, for every session of the account, and it forgets the account
        // (no more security events for it).
        if (evt.WithdrawnClient is { } client)
        {
            Owe(batch, evt, "client_id = $3", client);
            var forgetAccount = new NpgsqlBatchCommand("delete from oidc.relying_party_accounts where account_id = $1 and client_id = $2");
            forgetAccount.Parameters.AddWithValue(evt.AccountId);
            forgetAccount.Parameters.AddWithValue(client);
            batch.BatchCommands.Add(forgetAccount);
        }
        if (evt.EndedSessions.Count > 0) Owe(batch, evt, "session_id = any($3)", evt.EndedSessions.ToArray());
    }

    /// <summary>A logout owed to each relying party session of the account that <paramref name="which"/> selects, then forgotten.</summary>
    private static void Owe(NpgsqlBatch batch, AccountEvent evt, string which, object value)
    {
        var owe = new NpgsqlBatchCommand(
            "insert into oidc.logout_deliveries (event_id, client_id, subject, sid) " +
            $"select $1, client_id, subject, sid from oidc.relying_party_sessions where account_id = $2 and {which} " +
            "on conflict (event_id, client_id, sid) do nothing");
        owe.Parameters.AddWithValue(evt.EventId);
        owe.Parameters.AddWithValue(evt.AccountId);
        owe.Parameters.AddWithValue(value);
        var forget = new NpgsqlBatchCommand($"delete from oidc.relying_party_sessions where account_id = $1 and {which.Replace("$3", "$2")}");
        forget.Parameters.AddWithValue(evt.AccountId);
        forget.Parameters.AddWithValue(value);
        batch.BatchCommands.Add(owe);
        batch.BatchCommands.Add(forget);
    }
}
