using Orleans.VNeID.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Events;

namespace Orleans.VNeID.Grains.Events;

/// <summary>Where the counting consumer keeps its counts: each event counted once by kind.</summary>
public interface IEventCountStore
{
    /// <summary>Counts the events, each unless this consumer counted its id before (the stream delivers at least once).</summary>
    Task CountOnceAsync(IReadOnlyList<PublishedAccountEvent> events);

    Task<Dictionary<AccountEventKind, long>> ReadAsync();
}

/// <summary>
/// The counts in <c>events.kind_counts</c>; the events' ids go into <c>events.applied</c> in the same statement as the
/// counts, so a repeat counts nothing. One statement per batch the stream delivers. An id is kept as long as the stream
/// could still deliver its event again (<c>Streams:ExpiryTimeout</c> after it was applied); older ones are deleted every
/// few minutes, in slices, by whichever silo counts.
/// </summary>
public sealed class PostgresEventCountStore(NpgsqlDataSource database, IOptions<ClusterOptions> cluster,
    IConfiguration configuration, ILogger<PostgresEventCountStore> logger, TimeProvider clock) : IEventCountStore
{
    public const string Consumer = "kind-counts";
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);
    private long _nextPrune = clock.GetUtcNow().UtcTicks;

    public async Task CountOnceAsync(IReadOnlyList<PublishedAccountEvent> events)
    {
        var distinct = events.DistinctBy(e => e.EventId).ToArray();
        await using var command = database.CreateCommand(
            "with fresh as (insert into events.applied (service_id, consumer, event_id) select $1, $2, unnest($3::text[]) " +
            "on conflict do nothing returning event_id), " +
            "counted as (select e.kind, count(*) as n from fresh join unnest($3::text[], $4::smallint[]) as e(event_id, kind) using (event_id) group by e.kind) " +
            "insert into events.kind_counts (service_id, kind, count) select $1, kind, n from counted " +
            "on conflict (service_id, kind) do update set count = events.kind_counts.count + excluded.count");
        command.Parameters.AddWithValue(cluster.Value.ServiceId);
        command.Parameters.AddWithValue(Consumer);
        command.Parameters.AddWithValue(distinct.Select(e => e.EventId).ToArray());
        command.Parameters.AddWithValue(distinct.Select(e => (short)e.Kind).ToArray());
        await command.ExecuteNonQueryAsync();
        var due = Interlocked.Read(ref _nextPrune);
        var now = clock.GetUtcNow();
        if (now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextPrune, now.Add(PruneEvery).UtcTicks, due) == due)
            _ = Task.Run(PruneAsync);
    }

    /// <summary>Deletes the ids no repeat can meet any more, 10,000 at a time.</summary>
    public async Task<long> PruneAsync()
    {
        var keep = configuration.Read<Orleans.VNeID.ServiceDefaults.StreamSettings>().ExpiryTimeout;
        long pruned = 0;
        try
        {
            int deleted;
            do
            {
                await using var command = database.CreateCommand(
                    "delete from events.applied where ctid in (select ctid from events.applied " +
                    "where service_id = $1 and applied_at < now() - $2 limit 10000)");
                command.Parameters.AddWithValue(cluster.Value.ServiceId);
                command.Parameters.AddWithValue(keep);
                pruned += deleted = await command.ExecuteNonQueryAsync();
            } while (deleted == 10_000);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Pruning events.applied failed; it is tried again later: {Reason}", e.Message);
        }
        return pruned;
    }

    public async Task<Dictionary<AccountEventKind, long>> ReadAsync()
    {
        await using var command = database.CreateCommand("select kind, count from events.kind_counts where service_id = $1");
        command.Parameters.AddWithValue(cluster.Value.ServiceId);
        var counts = new Dictionary<AccountEventKind, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[(AccountEventKind)reader.GetInt16(0)] = reader.GetInt64(1);
        return counts;
    }
}

/// <summary>The counts in memory (grain tests), with every event received and how many times it was.</summary>
public sealed class InMemoryEventCountStore : IEventCountStore
{
    private readonly ConcurrentDictionary<string, byte> _applied = new();
    private readonly ConcurrentDictionary<AccountEventKind, long> _counts = new();

    /// <summary>Each event received, by id.</summary>
    public ConcurrentDictionary<string, PublishedAccountEvent> Received { get; } = new();

    /// <summary>How many times each event id was received.</summary>
    public ConcurrentDictionary<string, int> Receipts { get; } = new();

    public Task CountOnceAsync(IReadOnlyList<PublishedAccountEvent> events)
    {
        foreach (var evt in events)
        {
            Received[evt.EventId] = evt;
            Receipts.AddOrUpdate(evt.EventId, 1, (_, n) => n + 1);
            if (_applied.TryAdd(evt.EventId, 0)) _counts.AddOrUpdate(evt.Kind, 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task<Dictionary<AccountEventKind, long>> ReadAsync() => Task.FromResult(_counts.ToDictionary());
}

/// <summary>A consumer of the account-events stream (one grain per stream, by implicit subscription): counts events by kind.</summary>
[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class AccountEventCountersGrain(IEventCountStore store) : Grain, IAccountEventCountersGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync(new BatchObserver<PublishedAccountEvent>(store.CountOnceAsync));
}

/// <summary>Reads the counts for the gateway.</summary>
[StatelessWorker]
public sealed class EventCountsGrain(IEventCountStore store) : Grain, IEventCountsGrain
{
    public Task<Dictionary<AccountEventKind, long>> ReadAsync() => store.ReadAsync();
}

/// <summary>
/// A consumer that takes what the stream delivers a batch at a time (the pulling agent hands over up to
/// <c>Streams:DeliveryBatch</c> messages per call), so one database statement serves many events.
/// </summary>
public sealed class BatchObserver<T>(Func<IReadOnlyList<T>, Task> onNext) : IAsyncBatchObserver<T>
{
    public Task OnNextAsync(IList<SequentialItem<T>> items) => onNext(items.Select(i => i.Item).ToArray());

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
