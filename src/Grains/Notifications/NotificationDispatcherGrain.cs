using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.VNeID.Events;
using Orleans.VNeID.Grains.Events;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>Delivers account events: the audit trail and the message outbox.</summary>
public interface INotificationDispatcherGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Appends each event to the audit trail, queues its SMS and e-mail and publishes it on the account-events stream;
    /// returns once all are stored. For events not committed with their account's state (the account-commit port of
    /// shards apart, a redrive, a staff account).
    /// </summary>
    Task DispatchAsync(AccountEvent[] events);
}

/// <summary>
/// Turns each account event into its SMS and e-mail and has <see cref="AccountEventWriter"/> store them with the event's
/// audit entry. Delivery is at least once: the trail and the outbox ignore an event or a message id
/// they already hold. A reentrant stateless worker: it runs beside the calling account grain and holds no state, so
/// deliveries overlap while each waits on the database (one at a time per worker capped declarations at about 280/s).
/// Each account hands over its own events in order and waits, so an account's audit chain is appended in order.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class NotificationDispatcherGrain(
    AccountEventWriter writer,
    SecretSealer sealer,
    ILogger<NotificationDispatcherGrain> logger)
    : Grain, INotificationDispatcherGrain
{
    public async Task DispatchAsync(AccountEvent[] events) =>
        // The events are committed in the account's state already: the stream gets them while their audit entries and
        // messages are written (one round trip's wait instead of two); the dispatch succeeds only when both did.
        await Task.WhenAll(WriteAsync(events), PublishAsync(events));

    private async Task WriteAsync(AccountEvent[] events)
    {
        // In order across events (the audit chain); one event's audit entry and its messages are written together.
        foreach (var item in events)
        {
            await writer.WriteAsync(item, EventMessages.Render(item, sealer));
            // Counted when written (a redriven repeat counts again: the counter is an operating signal, not the record).
            Platform.PlatformMetrics.AccountEvents.Add(1, new KeyValuePair<string, object?>("kind", item.Kind.ToString()));
            logger.LogDebug("Dispatched event {Sequence} ({Kind}) of an account", item.Sequence, item.Kind);
        }
    }

    /// <summary>
    /// Onto the account-events stream: one message for the call's events (one account's, in order). A failure
    /// fails the dispatch, so the account keeps the events and delivers them again (the redrive); consumers skip repeats by
    /// event id. Without the stream provider (grain tests, <c>Streams:Enabled</c> false) nothing is published.
    /// </summary>
    private async Task PublishAsync(AccountEvent[] events)
    {
        if (events.Length == 0 || ServiceProvider.GetKeyedService<IStreamProvider>(AccountEventStream.Provider) is not { } streams) return;
        var stream = streams.GetStream<PublishedAccountEvent>(StreamId.Create(AccountEventStream.Namespace, AccountEventStream.KeyOf(events[0].AccountId)));
        await stream.OnNextBatchAsync(events.Select(PublishedAccountEvent.Of).ToList());
    }
}
