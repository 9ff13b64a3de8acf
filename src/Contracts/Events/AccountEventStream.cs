using Orleans.VNeID.Accounts;

using Orleans.Concurrency;

namespace Orleans.VNeID.Events;

/// <summary>
/// The account-events stream: a persistent Orleans stream on the platform's PostgreSQL. Each account's events go onto
/// one of <see cref="Buckets"/> streams chosen from its id, so one account's events stay in order on one stream while
/// consumers are a handful of grains, not one per account.
/// </summary>
public static class AccountEventStream
{
    /// <summary>The stream provider's name (its queues are <c>accountevents-0</c> …).</summary>
    public const string Provider = "AccountEvents";

    /// <summary>The stream namespace; implicit subscribers name it.</summary>
    public const string Namespace = "account-events";

    public const int Buckets = 16;

    /// <summary>The key of an account's stream: FNV-1a of its id (stable across processes and versions), modulo <see cref="Buckets"/>.</summary>
    public static string KeyOf(string accountId)
    {
        var hash = 2166136261u;
        foreach (var c in accountId) hash = (hash ^ c) * 16777619u;
        return (hash % Buckets).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// A committed account event as consumers see it: what happened, to which account, by whom, with a stable id
/// (<see cref="EventId"/>, the account id and its sequence) for consumers to skip repeats. No secret: no code (sealed or
/// not), password, token or template, and no message recipients.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.PublishedAccountEvent")]
public sealed record PublishedAccountEvent(
    [property: Id(0)] string AccountId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] AccountEventKind Kind,
    [property: Id(3)] AccountStatus From,
    [property: Id(4)] AccountStatus To,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] ActorRole ActorRole,
    [property: Id(7)] string ActorId)
{
    public string EventId => $"{AccountId}:{Sequence}";

    public static PublishedAccountEvent Of(AccountEvent evt) =>
        new(evt.AccountId, evt.Sequence, evt.Kind, evt.From, evt.To, evt.OccurredAt, evt.Actor.Role, evt.Actor.Id);
}

/// <summary>A gateway listening to the operators' live feed (an Orleans observer).</summary>
public interface IAccountEventObserver : IGrainObserver
{
    /// <summary>Events in the order one stream delivered them.</summary>
    [OneWay]
    Task OnEventsAsync(IReadOnlyList<PublishedAccountEvent> events);
}

/// <summary>
/// The operators' live feed: the stream's relay grains hand it every event, and it passes them on to the gateways that
/// subscribed (each renews its subscription; a gateway that stops renewing is forgotten).
/// </summary>
public interface IOperatorFeedGrain : IGrainWithIntegerKey
{
    Task SubscribeAsync(IAccountEventObserver observer);

    Task UnsubscribeAsync(IAccountEventObserver observer);

    /// <summary>Awaited by the relay, so one stream's events leave it in order.</summary>
    Task PublishAsync(IReadOnlyList<PublishedAccountEvent> events);
}

/// <summary>The stream's counting consumer (one grain per stream).</summary>
public interface IAccountEventCountersGrain : IGrainWithStringKey;

/// <summary>The operators' counters of account events by kind, as the counting consumer keeps them.</summary>
public interface IEventCountsGrain : IGrainWithIntegerKey
{
    Task<Dictionary<Accounts.AccountEventKind, long>> ReadAsync();
}
