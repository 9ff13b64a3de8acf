using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.VNeID.Events;

namespace Orleans.VNeID.Events;

/// <summary>The operators' counters of account events by kind.</summary>
public interface IAccountEventCountersGrain : IGrainWithStringKey;

/// <summary>
/// A consumer of the account-events stream (one grain per stream, by implicit subscription): counts each event once by
/// kind in <c>events.kind_counts</c>. The stream delivers at least once; the event's id goes into <c>events.applied</c>
/// in the same statement as the count, so a repeat counts nothing.
/// </summary>
[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class AccountEventCountersGrain(NpgsqlDataSource database, IOptions<ClusterOptions> cluster)
    : Grain, IAccountEventCountersGrain, IStreamSubscriptionObserver
{
    public const string Consumer = "kind-counts";

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync((evt, _) => CountAsync(evt));

    private async Task CountAsync(PublishedAccountEvent evt)
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
}
