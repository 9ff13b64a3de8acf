using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Notifications;

/// <summary>A message as the outbox holds it, opened for reading back in Development.</summary>
[GenerateSerializer, Immutable, Alias("vneid.SentMessage")]
public sealed record SentMessage(
    [property: Id(0)] string MessageId,
    [property: Id(1)] NotificationChannel Channel,
    [property: Id(2)] string Recipient,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>Reads back what the outbox holds for one phone number or e-mail address (Development only).</summary>
public interface ISentMessagesGrain : IGrainWithIntegerKey
{
    /// <summary>The newest messages first; empty unless read-back is allowed by configuration.</summary>
    Task<IReadOnlyList<SentMessage>> ListAsync(string recipient, int limit);
}
