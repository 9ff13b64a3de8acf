using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.Utilities;
using Orleans.VNeID.Events;

namespace Orleans.VNeID.Grains.Events;

/// <summary>
/// The operators' live feed (one grain): passes each event to the gateways whose subscriptions are fresh. A live view:
/// an event published while no gateway listens is not kept for later (the stream's other consumers keep what matters).
/// </summary>
[Reentrant]
public sealed class OperatorFeedGrain(ILogger<OperatorFeedGrain> logger) : Grain, IOperatorFeedGrain
{
    /// <summary>Gateways renew every 30 s; one that missed two renewals is forgotten.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromSeconds(75);

    private readonly ObserverManager<IAccountEventObserver> _observers = new(SubscriptionLifetime, logger);

    public Task SubscribeAsync(IAccountEventObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IAccountEventObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(IReadOnlyList<PublishedAccountEvent> events)
    {
        if (_observers.Count > 0) _observers.Notify(o => o.OnEventsAsync(events));
        return Task.CompletedTask;
    }
}

/// <summary>A consumer of the account-events stream (one per stream, by implicit subscription) that relays to the live feed.</summary>
public interface IOperatorFeedRelayGrain : IGrainWithStringKey;

[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class OperatorFeedRelayGrain : Grain, IOperatorFeedRelayGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync(new BatchObserver<PublishedAccountEvent>(
            events => GrainFactory.GetGrain<IOperatorFeedGrain>(0).PublishAsync(events)));
}
