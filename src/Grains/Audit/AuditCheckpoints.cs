using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Grains.Audit;

/// <summary>Signed checkpoints of the audit trail. Section <c>Audit</c>.</summary>
public sealed class AuditOptions : ISettingsSection
{
    public const string Section = "Audit";
    public static string ConfigurationSection => Section;

    /// <summary>Base64 HMAC-SHA256 key (≥ 32 bytes) that signs checkpoints; the database never holds it. Required outside Development.</summary>
    public string CheckpointKey { get; set; } = "";

    /// <summary>How often a silo takes a checkpoint of what was appended since the last. Default 10 minutes (at least 1).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Only entries older than this are covered, so that no transaction still in flight can land behind a checkpoint. Default 1 minute.</summary>
    public TimeSpan CheckpointMargin { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// A checkpoint covers every entry of a service up to an entry id: a SHA-256 digest rolled over the previous checkpoint's
/// digest and each entry (id, chain, sequence, hash), signed with a key the database does not hold. An entry rewritten or
/// removed before a checkpoint, even with every chain hash recomputed, no longer rolls to the signed digest.
/// </summary>
public static class AuditCheckpoints
{
    public sealed record Checkpoint(long Id, long UptoEntryId, long EntryCount, byte[] Digest, DateTimeOffset TakenAt);

    /// <summary>Takes the next checkpoint, or returns null when nothing new is old enough to be covered.</summary>
    public static async Task<Checkpoint?> TakeAsync(NpgsqlDataSource dataSource, string serviceId, byte[] key, TimeSpan margin, TimeProvider clock,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var last = await LastAsync(connection, transaction, serviceId, cancellationToken);
        var digest = last?.Digest ?? new byte[32];
        long upto = last?.UptoEntryId ?? 0, count = last?.EntryCount ?? 0;
        var covered = 0;
        await using (var command = new NpgsqlCommand(
            "select entry_id, account_id, seq, hash from audit.entries where service_id = $1 and entry_id > $2 and recorded_at < now() - $3 order by entry_id",
            connection, transaction))
        {
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(upto);
            command.Parameters.AddWithValue(margin);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                upto = reader.GetInt64(0);
                digest = Roll(digest, upto, reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
                count++;
                covered++;
            }
        }
        if (covered == 0) return null;

        var checkpoint = new Checkpoint((last?.Id ?? 0) + 1, upto, count, digest, AuditChain.Normalize(clock.GetUtcNow()));
        await using (var insert = new NpgsqlCommand(
            "insert into audit.checkpoints (service_id, checkpoint_id, upto_entry_id, entry_count, digest, signature, taken_at) values ($1, $2, $3, $4, $5, $6, $7)",
            connection, transaction))
        {
            foreach (var value in new object[] { serviceId, checkpoint.Id, checkpoint.UptoEntryId, checkpoint.EntryCount, checkpoint.Digest, Sign(key, serviceId, checkpoint), checkpoint.TakenAt })
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return checkpoint;
    }

    /// <summary>Re-rolls every entry of the service and checks each checkpoint's count, digest and signature.</summary>
    public static async Task<(int Checkpoints, List<string> Problems)> VerifyAsync(NpgsqlDataSource dataSource, string serviceId, byte[] key,
        CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var checkpoints = new List<(Checkpoint Checkpoint, byte[] Signature)>();
        await using (var command = new NpgsqlCommand(
            "select checkpoint_id, upto_entry_id, entry_count, digest, signature, taken_at from audit.checkpoints where service_id = $1 order by checkpoint_id",
            connection, transaction))
        {
            command.Parameters.AddWithValue(serviceId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                checkpoints.Add((new Checkpoint(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3),
                    reader.GetFieldValue<DateTimeOffset>(5)), reader.GetFieldValue<byte[]>(4)));
        }
        if (checkpoints.Count == 0) return (0, problems);

        for (var i = 0; i < checkpoints.Count; i++)
        {
            var (checkpoint, signature) = checkpoints[i];
            if (checkpoint.Id != i + 1) problems.Add($"checkpoint {i + 1} is missing (found {checkpoint.Id} in its place)");
            if (!CryptographicOperations.FixedTimeEquals(Sign(key, serviceId, checkpoint), signature))
                problems.Add($"checkpoint {checkpoint.Id}'s signature does not verify (forged or altered)");
        }

        var digest = new byte[32];
        long count = 0;
        var next = 0;
        await using (var command = new NpgsqlCommand(
            "select entry_id, account_id, seq, hash from audit.entries where service_id = $1 and entry_id <= $2 order by entry_id", connection, transaction))
        {
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(checkpoints[^1].Checkpoint.UptoEntryId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entryId = reader.GetInt64(0);
                while (next < checkpoints.Count && entryId > checkpoints[next].Checkpoint.UptoEntryId) Check(checkpoints[next++].Checkpoint, digest, count, problems);
                digest = Roll(digest, entryId, reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
                count++;
            }
        }
        while (next < checkpoints.Count) Check(checkpoints[next++].Checkpoint, digest, count, problems);
        await transaction.CommitAsync(cancellationToken);
        return (checkpoints.Count, problems);
    }

    private static void Check(Checkpoint checkpoint, byte[] digest, long count, List<string> problems)
    {
        if (count != checkpoint.EntryCount)
            problems.Add($"checkpoint {checkpoint.Id} covered {checkpoint.EntryCount} entries, {count} are there now (entries removed or inserted)");
        else if (!digest.AsSpan().SequenceEqual(checkpoint.Digest))
            problems.Add($"entries before checkpoint {checkpoint.Id} were rewritten (their digest no longer matches the signed one)");
    }

    private static byte[] Roll(byte[] digest, long entryId, string chainId, long sequence, byte[] hash)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> numbers = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(numbers, entryId);
        BinaryPrimitives.WriteInt64BigEndian(numbers[8..], sequence);
        sha.AppendData(digest);
        sha.AppendData(numbers);
        sha.AppendData(Encoding.UTF8.GetBytes(chainId));
        sha.AppendData(hash);
        return sha.GetHashAndReset();
    }

    private static byte[] Sign(byte[] key, string serviceId, Checkpoint c) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
            $"{serviceId}\n{c.Id}\n{c.UptoEntryId}\n{c.EntryCount}\n{Convert.ToBase64String(c.Digest)}\n{c.TakenAt.UtcTicks}"));

    private static async Task<Checkpoint?> LastAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string serviceId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select checkpoint_id, upto_entry_id, entry_count, digest, taken_at from audit.checkpoints where service_id = $1 order by checkpoint_id desc limit 1",
            connection, transaction);
        command.Parameters.AddWithValue(serviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Checkpoint(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }
}

/// <summary>Takes a checkpoint every <see cref="AuditOptions.CheckpointInterval"/> (a reminder, so one silo of the cluster does it).</summary>
public interface IAuditCheckpointGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the reminder runs; called by each silo at start.</summary>
    Task StartAsync();
}

public sealed class AuditCheckpointGrain(NpgsqlDataSource dataSource, IOptions<AuditOptions> options, IOptions<ClusterOptions> cluster,
    TimeProvider clock, ILogger<AuditCheckpointGrain> logger) : Grain, IAuditCheckpointGrain, IRemindable
{
    private const string Reminder = "audit-checkpoint";

    public async Task StartAsync()
    {
        var interval = options.Value.CheckpointInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.CheckpointInterval;
        await this.RegisterOrUpdateReminder(Reminder, interval, interval);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Reminder || string.IsNullOrWhiteSpace(options.Value.CheckpointKey)) return;
        var taken = await AuditCheckpoints.TakeAsync(dataSource, cluster.Value.ServiceId, Convert.FromBase64String(options.Value.CheckpointKey),
            options.Value.CheckpointMargin, clock);
        if (taken is not null)
            logger.LogInformation("Audit checkpoint {Id}: {Count} entries up to entry {Upto}", taken.Id, taken.EntryCount, taken.UptoEntryId);
    }
}
