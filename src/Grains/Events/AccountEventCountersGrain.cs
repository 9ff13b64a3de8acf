using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Events;

/// <summary>Where the counting consumer keeps its counts: each event counted once by kind.</summary>
public interface IEventCountStore
{
    /// <summary>Counts the event unless this consumer counted its id before (the stream delivers at least once).</summary>
    Task CountOnceAsync(PublishedAccountEvent evt);

    Task<Dictionary<AccountEventKind, long>> ReadAsync();
}

/// <summary>
/// The counts in <c>events.kind_counts</c>; the event's id goes into <c>events.applied</c> in the same statement as the
/// count, so a repeat counts nothing.
/// </summary>
public sealed class PostgresEventCountStore(NpgsqlDataSource database, IOptions<ClusterOptions> cluster) : IEventCountStore
{
    public const string Consumer = "kind-counts";

    public async Task CountOnceAsync(PublishedAccountEvent evt)
    {
        await using var command = database.CreateCommand(
            "with fresh as (insert into events.applied (service_id, consumer, event_id) values ($1, $2, $3) on conflict do nothing returning 1) " +
            "insert into events.kind_counts (service_id, kind, count) select $1, $4, 1 from fresh " +
            "on conflict (service_id, kind) do update set count = events.kind_counts.count + 1");
        command.Parameters.AddWithValue(cluster.Value.ServiceId);
        command.Parameters.AddWithValue(Consumer);
        command.Parameters.AddWithValue(evt.EventId);
        command.Parameters.AddWithValue((short)evt.Kind);
        await command.ExecuteNonQueryAsync();
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

    public Task CountOnceAsync(PublishedAccountEvent evt)
    {
        Received[evt.EventId] = evt;
        Receipts.AddOrUpdate(evt.EventId, 1, (_, n) => n + 1);
        if (_applied.TryAdd(evt.EventId, 0)) _counts.AddOrUpdate(evt.Kind, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task<Dictionary<AccountEventKind, long>> ReadAsync() => Task.FromResult(_counts.ToDictionary());
}

/// <summary>A consumer of the account-events stream (one grain per stream, by implicit subscription): counts events by kind.</summary>
[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class AccountEventCountersGrain(IEventCountStore store) : Grain, IAccountEventCountersGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync((evt, _) => store.CountOnceAsync(evt));
}

/// <summary>Reads the counts for the gateway.</summary>
[StatelessWorker]
public sealed class EventCountsGrain(IEventCountStore store) : Grain, IEventCountsGrain
{
    public Task<Dictionary<AccountEventKind, long>> ReadAsync() => store.ReadAsync();
}
