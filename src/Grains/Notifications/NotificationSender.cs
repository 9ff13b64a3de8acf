using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>A rendered message for one channel. <see cref="MessageId"/> is stable: sending it twice sends it once.</summary>
public sealed record OutboundMessage(
    string MessageId,
    string AccountId,
    AccountEventKind Kind,
    NotificationChannel Channel,
    string Recipient,
    string Body,
    DateTimeOffset CreatedAt);

/// <summary>Where messages leave the platform (an SMS gateway, a mail relay; by default the PostgreSQL outbox).</summary>
public interface INotificationSender
{
    Task SendAsync(OutboundMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Reads back what was sent to a recipient, newest first.</summary>
public interface ISentMessageReader
{
    Task<IReadOnlyList<SentMessage>> ListAsync(string recipient, int limit, CancellationToken cancellationToken = default);
}

/// <summary>Checks the database behind the platform.</summary>
public interface IDatabaseProbe
{
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}
