using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;

namespace Orleans.VNeID.Grains.Audit;

/// <summary>Where audit entries are appended and read back.</summary>
public interface IAuditTrail
{
    /// <summary>Appends the event's entry; appending the same entry twice leaves one.</summary>
    Task AppendAsync(AccountEvent evt, CancellationToken cancellationToken = default);

    Task<(IReadOnlyList<AuditEntry> Entries, (long Sequence, byte[] Hash)? Head)> ReadAsync(string accountId, CancellationToken cancellationToken = default);
}

/// <summary><c>audit.entries</c> and <c>audit.heads</c> for this service.</summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : IAuditTrail
{
    private string ServiceId => cluster.Value.ServiceId;

    internal NpgsqlDataSource DataSource => dataSource;

    public async Task AppendAsync(AccountEvent evt, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        AddAppend(batch, evt);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the event's entry and the chain's new head to <paramref name="batch"/> (the writes of <see cref="AppendAsync"/>).</summary>
    public void AddAppend(NpgsqlBatch batch, AccountEvent evt)
    {
        var insert = new NpgsqlBatchCommand(
            "insert into audit.entries (service_id, account_id, seq, kind, from_status, to_status, occurred_at, actor_role, actor_id, reason, prev_hash, hash) " +
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) on conflict do nothing");
        foreach (var value in new object[]
                 {
                     ServiceId, evt.AccountId, evt.Sequence, (short)evt.Kind, (short)evt.From, (short)evt.To,
                     AuditChain.Normalize(evt.OccurredAt).UtcDateTime, (short)evt.Actor.Role, evt.Actor.Id,
                     (object?)evt.Reason ?? DBNull.Value, evt.PreviousHash, evt.Hash,
                 })
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        var head = new NpgsqlBatchCommand(
            "insert into audit.heads (service_id, account_id, seq, hash) values ($1, $2, $3, $4) " +
            "on conflict (service_id, account_id) do update set seq = excluded.seq, hash = excluded.hash where audit.heads.seq < excluded.seq");
        foreach (var value in new object[] { ServiceId, evt.AccountId, evt.Sequence, evt.Hash })
            head.Parameters.Add(new NpgsqlParameter { Value = value });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(head);
    }

    /// <summary>Every account with an audit entry or head in this service.</summary>
    public async IAsyncEnumerable<string> AccountIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select account_id from audit.entries where service_id = $1 union select account_id from audit.heads where service_id = $1 order by 1");
        command.Parameters.AddWithValue(ServiceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return reader.GetString(0);
    }

    public async Task<(IReadOnlyList<AuditEntry> Entries, (long Sequence, byte[] Hash)? Head)> ReadAsync(string accountId, CancellationToken cancellationToken = default)
    {
        // Entries and head from one snapshot: appends going on meanwhile must not look like a truncated chain.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var entries = new List<AuditEntry>();
        await using (var command = new NpgsqlCommand(
            "select seq, kind, from_status, to_status, occurred_at, actor_role, actor_id, reason, prev_hash, hash " +
            "from audit.entries where service_id = $1 and account_id = $2 order by seq", connection, transaction))
        {
            command.Parameters.AddWithValue(ServiceId);
            command.Parameters.AddWithValue(accountId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new AuditEntry(accountId, reader.GetInt64(0), (AccountEventKind)reader.GetInt16(1),
                    (AccountStatus)reader.GetInt16(2), (AccountStatus)reader.GetInt16(3), reader.GetFieldValue<DateTimeOffset>(4),
                    (ActorRole)reader.GetInt16(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetFieldValue<byte[]>(8), reader.GetFieldValue<byte[]>(9)));
            }
        }
        (long, byte[])? head = null;
        await using (var headCommand = new NpgsqlCommand("select seq, hash from audit.heads where service_id = $1 and account_id = $2", connection, transaction))
        {
            headCommand.Parameters.AddWithValue(ServiceId);
            headCommand.Parameters.AddWithValue(accountId);
            await using var headReader = await headCommand.ExecuteReaderAsync(cancellationToken);
            if (await headReader.ReadAsync(cancellationToken)) head = (headReader.GetInt64(0), headReader.GetFieldValue<byte[]>(1));
        }
        await transaction.CommitAsync(cancellationToken);
        return (entries, head);
    }
}

[StatelessWorker]
public sealed class AuditTrailGrain(IAuditTrail trail) : Grain, IAuditTrailGrain
{
    public async Task<AuditTrailView> ReadAsync(string idNumber)
    {
        var (entries, head) = await trail.ReadAsync(idNumber);
        var problems = AuditChain.Verify(entries, head);
        return new AuditTrailView(idNumber,
            entries.Select(e => new AuditEntryView(e.Sequence, e.OccurredAt, e.Kind, e.From, e.To, e.ActorRole, e.ActorId, e.Reason,
                Convert.ToHexStringLower(e.Hash))).ToArray(),
            problems.Count == 0, problems);
    }
}
