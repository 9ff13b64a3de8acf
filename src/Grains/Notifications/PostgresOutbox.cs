using Npgsql;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>
/// The default sender: records each message durably in <c>notifications.outbox</c>, body sealed, for a real
/// SMS gateway or mail relay to drain. A message id seen before is ignored, so re-delivery sends nothing twice.
/// </summary>
public sealed class PostgresOutbox(NpgsqlDataSource dataSource, SecretSealer sealer)
    : INotificationSender, ISentMessageReader, IDatabaseProbe
{
    internal NpgsqlDataSource DataSource => dataSource;

    public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        AddSend(batch, message);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the message's outbox row to <paramref name="batch"/> (the write of <see cref="SendAsync"/>).</summary>
    public void AddSend(NpgsqlBatch batch, OutboundMessage message)
    {
        var insert = new NpgsqlBatchCommand(
            "insert into notifications.outbox (message_id, account_id, kind, channel, recipient, body_sealed, created_at, delivered_at) " +
            "values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (message_id) do nothing");
        insert.Parameters.AddWithValue(message.MessageId);
        insert.Parameters.AddWithValue(message.AccountId);
        insert.Parameters.AddWithValue((short)message.Kind);
        insert.Parameters.AddWithValue((short)message.Channel);
        insert.Parameters.AddWithValue(message.Recipient);
        insert.Parameters.AddWithValue(sealer.Seal(message.Body, message.MessageId));
        insert.Parameters.AddWithValue(message.CreatedAt.UtcDateTime);
        // An in-app notice is delivered as it is stored (the relay that drains SMS and e-mail leaves it alone).
        insert.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = message.Channel == NotificationChannel.App ? message.CreatedAt.UtcDateTime : null });
        batch.BatchCommands.Add(insert);
    }

    public async Task<IReadOnlyList<SentMessage>> ListAsync(string recipient, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select message_id, channel, recipient, body_sealed, created_at from notifications.outbox " +
            "where recipient = $1 order by created_at desc, message_id desc limit $2");
        command.Parameters.AddWithValue(recipient);
        command.Parameters.AddWithValue(limit);
        var messages = new List<SentMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            messages.Add(new SentMessage(id, (NotificationChannel)reader.GetInt16(1), reader.GetString(2),
                sealer.Open(reader.GetFieldValue<byte[]>(3), id), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return messages;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
