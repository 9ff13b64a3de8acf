using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>Group commit of grain states (issue 15). Section <c>GroupCommit</c>.</summary>
public sealed class GroupCommitOptions : ISettingsSection
{
    public const string Section = "GroupCommit";
    public static string ConfigurationSection => Section;

    /// <summary>Whether the silos write grain states through the group commit. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many commands' writes share one transaction. Default 256.</summary>
    [Range(1, 4096)] public int MaxBatch { get; set; } = 256;

    /// <summary>After the first write arrives, how long a batch waits for more before it commits. Default 1 ms.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Transactions in flight at once per silo. Default 2.</summary>
    [Range(1, 32)] public int Writers { get; set; } = 2;

    /// <summary>Whether registry look-ups of citizens in flight at once share one query (at most <see cref="MaxBatch"/>). Default true.</summary>
    public bool GatherRegistryLookups { get; set; } = true;

    /// <summary>Whether the loads of accounts activating at once share one query (at most <see cref="MaxBatch"/>). Default true.</summary>
    public bool GatherAccountLoads { get; set; } = true;
}

/// <summary>
/// One grain's state write and whatever must commit with it: its events' audit entries, messages and logouts
/// (<paramref name="alongside"/>) and the events as the account-events stream carries them (<paramref name="published"/>).
/// </summary>
public sealed class StateWrite(RowIdentity row, byte[] payload, int? expectedVersion, Action<NpgsqlBatch>? alongside,
    IReadOnlyList<Orleans.VNeID.Events.PublishedAccountEvent>? published = null)
{
    public RowIdentity Row { get; } = row;
    public byte[] Payload { get; } = payload;
    public int? ExpectedVersion { get; } = expectedVersion;
    public Action<NpgsqlBatch>? Alongside { get; } = alongside;
    public IReadOnlyList<Orleans.VNeID.Events.PublishedAccountEvent> Published { get; } = published ?? [];
    internal TaskCompletionSource<int?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Gathers the state writes of commands in flight on different grains (up to <see cref="GroupCommitOptions.MaxBatch"/>,
/// waiting at most <see cref="GroupCommitOptions.MaxDelay"/> for more) and commits them in one transaction, each with
/// what it carries; every command is answered only after that transaction commits. A grain's own writes stay ordered:
/// it awaits each before it issues the next. A version conflict fails only its own write (the batch is run again
/// without it); the events the writes publish enter the account-events stream's queue in one statement of the same
/// transaction (<see cref="IAccountEventQueue"/>); a statement that fails for one write's data runs each write of the batch alone, so only the culprit
/// fails; a database that fails fails the batch's writes, none of which is then stored.
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const string WriteSql = """
        with inserted as (
            insert into orleans.storage (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string,
                                         grain_id_hash, grain_type_hash, payload_binary, version)
            select $1, $2, $3, $4, $5, $6, $7, $8, 1 where $9::integer is null
            on conflict do nothing
            returning version
        ), updated as (
            update orleans.storage set payload_binary = $8, version = version + 1, modified_on = now()
             where $9::integer is not null and grain_id_n1 = $4 and grain_id_n0 = $3 and grain_type_string = $2
               and grain_id_extension_string = $5 and service_id = $1 and version = $9 and version < 2147483647
            returning version
        )
        select version from inserted union all select version from updated
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<StateWrite> _queue = Channel.CreateUnbounded<StateWrite>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _writers;

    private readonly bool _ownsDataSource;
    private readonly IAccountEventQueue? _stream;

    /// <param name="ownsDataSource">Whether the writer disposes <paramref name="dataSource"/> when it is disposed (a shard's own).</param>
    /// <param name="stream">Where published events are queued; without it they are not published.</param>
    public GroupCommitWriter(NpgsqlDataSource dataSource, IOptions<GroupCommitOptions> options, ILogger<GroupCommitWriter> logger,
        bool ownsDataSource = false, IAccountEventQueue? stream = null)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _stream = stream;
        _options = options.Value;
        _logger = logger;
        _writers = Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>The committed version of the row, or null when the expected version was not the stored one (a conflict).</summary>
    public Task<int?> WriteAsync(StateWrite write)
    {
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(GroupCommitWriter));
        return write.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<StateWrite>(_options.MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var write)) batch.Add(write);
                if (batch.Count == 0) continue;
                if (batch.Count < _options.MaxBatch && _options.MaxDelay > TimeSpan.Zero) await GatherMoreAsync(reader, batch);
                await CommitAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task GatherMoreAsync(ChannelReader<StateWrite> reader, List<StateWrite> batch)
    {
        using var window = new CancellationTokenSource(_options.MaxDelay);
        try
        {
            while (batch.Count < _options.MaxBatch)
            {
                if (reader.TryRead(out var write)) { batch.Add(write); continue; }
                if (!await reader.WaitToReadAsync(window.Token)) return;
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
        }
    }

    private async Task CommitAsync(List<StateWrite> batch)
    {
        try
        {
            await CommitTogetherAsync(batch);
        }
        catch (PostgresException ex) when (batch.Count > 1 && !IsServerUnavailable(ex))
        {
            // One write's own statement failed and took the transaction with it: each alone, so only that one fails.
            _logger.LogWarning(ex, "A group commit of {Count} writes failed on a statement ({SqlState}); committing each alone", batch.Count, ex.SqlState);
            foreach (var write in batch)
            {
                try
                {
                    await CommitTogetherAsync([write]);
                }
                catch (Exception single) when (single is not OutOfMemoryException)
                {
                    write.Done.TrySetException(single);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var write in batch) write.Done.TrySetException(ex);
        }
    }

    /// <summary>One transaction for the writes; a conflicting write is answered null and the rest committed without it.</summary>
    private async Task CommitTogetherAsync(IReadOnlyList<StateWrite> writes)
    {
        while (writes.Count > 0)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(_stopping.Token);
            await using var transaction = await connection.BeginTransactionAsync(_stopping.Token);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var write in writes) batch.BatchCommands.Add(StateCommand(write));
            foreach (var write in writes) write.Alongside?.Invoke(batch);
            var published = writes.SelectMany(w => w.Published).ToArray();
            // Without the stream (Streams:Enabled false) nothing is published, as the provider would publish nothing.
            if (published.Length > 0) _stream?.AddTo(batch, published);

            var versions = new int?[writes.Count];
            await using (var reader = await batch.ExecuteReaderAsync(_stopping.Token))
            {
                for (var i = 0; i < writes.Count; i++)
                {
                    if (await reader.ReadAsync(_stopping.Token) && !reader.IsDBNull(0)) versions[i] = reader.GetInt32(0);
                    await reader.NextResultAsync(_stopping.Token);
                }
                // The rest of the batch (audit entries, messages): its errors surface here, before the commit.
                while (await reader.NextResultAsync(_stopping.Token)) { }
            }

            var conflicts = Enumerable.Range(0, writes.Count).Where(i => versions[i] is null).ToHashSet();
            if (conflicts.Count == 0)
            {
                await transaction.CommitAsync(_stopping.Token);
                for (var i = 0; i < writes.Count; i++) writes[i].Done.TrySetResult(versions[i]);
                return;
            }
            // A conflicting write must not store what it carries either: roll back, answer it, commit the others again.
            await transaction.RollbackAsync(_stopping.Token);
            foreach (var i in conflicts) writes[i].Done.TrySetResult(null);
            writes = writes.Where((_, i) => !conflicts.Contains(i)).ToList();
        }
    }

    private static NpgsqlBatchCommand StateCommand(StateWrite write)
    {
        var row = write.Row;
        var command = new NpgsqlBatchCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.StateName });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.N0 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.N1 });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Extension });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.IdHash });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row.TypeHash });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = write.Payload });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)write.ExpectedVersion ?? DBNull.Value });
        return command;
    }

    /// <summary>The server going away (shutdown, crash, admin command) fails every write; retrying each alone would not help.</summary>
    private static bool IsServerUnavailable(PostgresException ex) => ex.SqlState.StartsWith("57P", StringComparison.Ordinal) || ex.SqlState.StartsWith("08", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
        }
        _stopping.Dispose();
        if (_ownsDataSource) await _dataSource.DisposeAsync();
    }
}
