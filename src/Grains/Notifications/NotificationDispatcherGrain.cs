using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Hosting;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Notifications;

/// <summary>Marker for the per-partition dispatcher activated by the account-events stream.</summary>
public interface INotificationDispatcherGrain : IGrainWithStringKey;

/// <summary>
/// Appends each account event to the audit trail and turns it into SMS and e-mail through
/// <see cref="INotificationSender"/>, then tells the account the event is safe. Delivery is at least once; the sender de-duplicates on the message id.
/// </summary>
[ImplicitStreamSubscription(PlatformNames.AccountEventsNamespace)]
public sealed class NotificationDispatcherGrain(
    INotificationSender sender,
    Orleans.VNeID.Audit.IAuditTrail auditTrail,
    SecretSealer sealer,
    ILogger<NotificationDispatcherGrain> logger)
    : Grain, INotificationDispatcherGrain, IStreamSubscriptionObserver, IAsyncObserver<AccountEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<AccountEvent>().ResumeAsync(this);

    public async Task OnNextAsync(AccountEvent item, StreamSequenceToken? token = null)
    {
        await auditTrail.AppendAsync(item);
        foreach (var request in item.Notifications)
        {
            var code = request.SealedCode is null ? null : sealer.Open(request.SealedCode, item.AccountId);
            var message = new OutboundMessage(
                $"{item.EventId}:{request.Channel}",
                item.AccountId,
                item.Kind,
                request.Channel,
                request.Recipient,
                NotificationTexts.Render(item, request.Channel, code, request.CodeValiditySeconds),
                item.OccurredAt);
            await sender.SendAsync(message);
        }
        logger.LogDebug("Dispatched event {Sequence} ({Kind}) of an account", item.Sequence, item.Kind);
        await GrainFactory.GetGrain<ICitizenAccountGrain>(item.AccountId).AcknowledgeEventsAsync(item.Sequence);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        logger.LogWarning(ex, "Account-event stream reported an error");
        return Task.CompletedTask;
    }
}
