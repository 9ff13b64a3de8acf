using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>
/// Stores one account event's audit entry, the messages it sends and the back-channel logouts it owes. When both the audit trail and the sender are the
/// PostgreSQL ones on one database, they are written in one batch: one round trip and one commit (a batch runs in an
/// implicit transaction, so the entry and its messages are stored together or not at all). Any other pairing (the
/// in-memory doubles of the grain tests, a real SMS gateway) is written side by side. Both paths ignore a repeat.
/// </summary>
public sealed class AccountEventWriter(IAuditTrail auditTrail, INotificationSender sender)
{
    private readonly (PostgresAuditTrail Audit, PostgresOutbox Outbox)? _together =
        auditTrail is PostgresAuditTrail audit && sender is PostgresOutbox outbox && ReferenceEquals(audit.DataSource, outbox.DataSource)
            ? (audit, outbox)
            : null;

    /// <summary>Whether entries and messages share one transaction.</summary>
    public bool WritesTogether => _together is not null;

    /// <summary>The database of the audit trail and the outbox, when they share one (<see cref="WritesTogether"/>).</summary>
    public Npgsql.NpgsqlDataSource? DataSource => _together?.Audit.DataSource;

    /// <summary>
    /// Adds the event's audit entry, its messages and the logouts it owes to <paramref name="batch"/>, a transaction of the
    /// caller's (the group commit of account states). Only when <see cref="WritesTogether"/>.
    /// </summary>
    public void AddTo(Npgsql.NpgsqlBatch batch, AccountEvent evt, IReadOnlyList<OutboundMessage> messages)
    {
        var (audit, outbox) = _together ?? throw new InvalidOperationException("The audit trail and the outbox are not one PostgreSQL database.");
        audit.AddAppend(batch, evt);
        foreach (var message in messages) outbox.AddSend(batch, message);
        BackChannelLogouts.AddOwed(batch, evt);
    }

    public async Task WriteAsync(AccountEvent evt, IReadOnlyList<OutboundMessage> messages)
    {
        if (_together is (var audit, var outbox))
        {
            await using var batch = audit.DataSource.CreateBatch();
            AddTo(batch, evt, messages);
            await batch.ExecuteNonQueryAsync();
            return;
        }
        await Task.WhenAll([auditTrail.AppendAsync(evt), .. messages.Select(message => sender.SendAsync(message)), OweLogoutsAsync(evt)]);
    }

    /// <summary>Beside a sender of its own, the logouts still go with the PostgreSQL audit trail's database.</summary>
    private async Task OweLogoutsAsync(AccountEvent evt)
    {
        if (evt.EndedSessions.Count == 0 || auditTrail is not PostgresAuditTrail audit) return;
        await using var batch = audit.DataSource.CreateBatch();
        BackChannelLogouts.AddOwed(batch, evt);
        await batch.ExecuteNonQueryAsync();
    }
}
