namespace Orleans.VNeID.Accounts;

/// <summary>One audited event as operators read it. No secret is ever part of an entry.</summary>
[GenerateSerializer, Immutable, Alias("vneid.AuditEntryView")]
public sealed record AuditEntryView(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] AccountEventKind Kind,
    [property: Id(3)] AccountStatus From,
    [property: Id(4)] AccountStatus To,
    [property: Id(5)] ActorRole ActorRole,
    [property: Id(6)] string ActorId,
    [property: Id(7)] string? Reason,
    [property: Id(8)] string Hash);

/// <summary>An account's audit trail and whether its hash chain verifies.</summary>
[GenerateSerializer, Immutable, Alias("vneid.AuditTrailView")]
public sealed record AuditTrailView(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] IReadOnlyList<AuditEntryView> Entries,
    [property: Id(2)] bool Intact,
    [property: Id(3)] IReadOnlyList<string> Problems);

/// <summary>Reads audit trails (operators only, through the gateway).</summary>
public interface IAuditTrailGrain : IGrainWithIntegerKey
{
    /// <summary>The account's whole trail, oldest first, with the chain verified.</summary>
    Task<AuditTrailView> ReadAsync(string idNumber);
}
