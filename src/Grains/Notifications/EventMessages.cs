using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>An account event's messages as they leave the platform: one per notification it asks for, the code opened.</summary>
public static class EventMessages
{
    /// <summary>
    /// The message's id is the event's and the channel's; a second message on the same channel (a contact change tells
    /// the previous phone and the new one) adds its place, so the outbox keeps both.
    /// </summary>
    public static OutboundMessage[] Render(AccountEvent item, SecretSealer sealer) =>
        item.Notifications.Select((request, index) =>
        {
            var code = request.SealedCode is null ? null : sealer.Open(request.SealedCode, item.AccountId);
            var earlierOnChannel = item.Notifications.Take(index).Count(n => n.Channel == request.Channel);
            return new OutboundMessage(
                earlierOnChannel == 0 ? $"{item.EventId}:{request.Channel}" : $"{item.EventId}:{request.Channel}:{earlierOnChannel + 1}",
                item.AccountId,
                item.Kind,
                request.Channel,
                request.Recipient,
                request.Text is { } text ? NotificationTexts.Written(text, request.Channel) : NotificationTexts.Render(item, request.Channel, code, request.CodeValiditySeconds),
                item.OccurredAt);
        }).ToArray();
}
