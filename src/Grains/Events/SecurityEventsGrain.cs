using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.VNeID.Events;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Grains.Events;

/// <summary>
/// A consumer of the account-events stream (one grain per stream, by implicit subscription): owes relying parties their
/// security events. What an event means to them (<see cref="SecurityEvent"/>) and where it is owed
/// (<see cref="ISecurityEventStore"/>) are the provider's, in src/IdentityProvider; the gateway delivers them.
/// </summary>
public interface ISecurityEventsGrain : IGrainWithStringKey;

[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class SecurityEventsGrain(ISecurityEventStore store) : Grain, ISecurityEventsGrain, IStreamSubscriptionObserver
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync(new BatchObserver<PublishedAccountEvent>(events =>
        {
            var owed = events.Select(e => (Event: e, Means: SecurityEvent.For(e))).Where(e => e.Means.Count > 0).ToArray();
            return owed.Length > 0 ? store.OweAsync(owed) : Task.CompletedTask;
        }));
}
