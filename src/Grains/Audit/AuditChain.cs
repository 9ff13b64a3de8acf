using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;

namespace Orleans.VNeID.Grains.Audit;

/// <summary>One audit entry as stored: an account event's audited fields and its chain links.</summary>
public sealed record AuditEntry(
    string AccountId,
    long Sequence,
    AccountEventKind Kind,
    AccountStatus From,
    AccountStatus To,
    DateTimeOffset OccurredAt,
    ActorRole ActorRole,
    string ActorId,
    string? Reason,
    byte[] PreviousHash,
    byte[] Hash)
{
    public static AuditEntry FromEvent(AccountEvent e) =>
        new(e.AccountId, e.Sequence, e.Kind, e.From, e.To, e.OccurredAt, e.Actor.Role, e.Actor.Id, e.Reason, e.PreviousHash, e.Hash);
}

/// <summary>
/// The per-account hash chain: each entry's hash is SHA-256 over the previous entry's hash and the entry's audited
/// fields in a canonical JSON array. Any edited byte, inserted or removed entry breaks the chain.
/// </summary>
public static class AuditChain
{
    public const int HashSize = 32;

    public static readonly byte[] Genesis = new byte[HashSize];

    /// <summary>Timestamps are hashed at the database's precision (microseconds) so a stored entry re-hashes the same.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>
    /// The next event of a chain whose newest hash is <paramref name="head"/> (empty for a new chain), linked and hashed;
    /// the caller stores <c>Hash</c> as the new head and <paramref name="sequence"/> as the last sequence.
    /// </summary>
    public static AccountEvent Link(string chainId, long sequence, byte[] head, AccountEventKind kind, AccountStatus from, AccountStatus to,
        DateTimeOffset at, Actor actor, string? reason, IReadOnlyList<NotificationRequest>? notifications = null)
    {
        var previous = head.Length == 0 ? Genesis : head;
        return new AccountEvent(chainId, sequence, kind, from, to, at, actor, reason, notifications ?? [])
        {
            PreviousHash = previous,
            Hash = Hash(previous, chainId, sequence, kind, from, to, at, actor.Role, actor.Id, reason),
        };
    }

    public static byte[] Hash(byte[] previousHash, string accountId, long sequence, AccountEventKind kind, AccountStatus from,
        AccountStatus to, DateTimeOffset occurredAt, ActorRole actorRole, string actorId, string? reason)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            accountId, sequence, (int)kind, (int)from, (int)to,
            Normalize(occurredAt).UtcTicks, (int)actorRole, actorId, reason,
        });
        var body = Encoding.UTF8.GetBytes(canonical);
        var input = new byte[previousHash.Length + body.Length];
        previousHash.CopyTo(input, 0);
        body.CopyTo(input, previousHash.Length);
        return SHA256.HashData(input);
    }

    public static byte[] Hash(AuditEntry e) =>
        Hash(e.PreviousHash, e.AccountId, e.Sequence, e.Kind, e.From, e.To, e.OccurredAt, e.ActorRole, e.ActorId, e.Reason);

    /// <summary>
    /// Every way the stored chain differs from an intact one: altered entries (hash mismatch), removed or inserted
    /// entries (sequence gaps, broken links), and a truncated tail (the head record is ahead of the last entry).
    /// </summary>
    public static IReadOnlyList<string> Verify(IReadOnlyList<AuditEntry> entries, (long Sequence, byte[] Hash)? head)
    {
        var problems = new List<string>();
        var previous = Genesis;
        long expected = 1;
        foreach (var entry in entries)
        {
            if (entry.Sequence != expected)
                problems.Add(entry.Sequence > expected
                    ? $"entries {expected}..{entry.Sequence - 1} are missing"
                    : $"entry {entry.Sequence} is duplicated or out of order");
            if (!entry.PreviousHash.AsSpan().SequenceEqual(previous))
                problems.Add($"entry {entry.Sequence} does not link to the entry before it");
            if (!Hash(entry).AsSpan().SequenceEqual(entry.Hash))
                problems.Add($"entry {entry.Sequence} was altered (its hash does not match its content)");
            previous = entry.Hash;
            expected = entry.Sequence + 1;
        }
        if (head is { } h)
        {
            if (h.Sequence != expected - 1)
                problems.Add($"the chain ends at entry {expected - 1} but its head records entry {h.Sequence}");
            else if (!h.Hash.AsSpan().SequenceEqual(previous))
                problems.Add($"the head's hash does not match entry {h.Sequence}");
        }
        else if (entries.Count > 0)
        {
            problems.Add("the chain has no head record");
        }
        return problems;
    }
}
