namespace Orleans.VNeID.Accounts;

/// <summary>What happened to an account. Numeric values are stored; never renumber them.</summary>
public enum AccountEventKind
{
    Declared = 0,
    OtpIssued = 1,
    Activated = 2,
    Locked = 3,
    Unlocked = 4,
}

/// <summary>
/// A lifecycle event published on the account-events stream. It carries no secret: an activation code
/// travels only sealed (encrypted for the notification outbox), never in plain text.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountEvent")]
public sealed record AccountEvent(
    [property: Id(0)] string AccountId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] AccountEventKind Kind,
    [property: Id(3)] AccountStatus From,
    [property: Id(4)] AccountStatus To,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor,
    [property: Id(7)] string? Reason,
    [property: Id(8)] IReadOnlyList<NotificationRequest> Notifications)
{
    /// <summary>Unique per account and event; the outbox de-duplicates on it.</summary>
    public string EventId => $"{AccountId}:{Sequence}";
}

/// <summary>A message the event asks to be sent. <see cref="SealedCode"/> is the activation code encrypted, or null.</summary>
[GenerateSerializer, Immutable, Alias("vneid.NotificationRequest")]
public sealed record NotificationRequest(
    [property: Id(0)] NotificationChannel Channel,
    [property: Id(1)] string Recipient,
    [property: Id(2)] byte[]? SealedCode,
    [property: Id(3)] int CodeValiditySeconds);
