using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;

namespace Orleans.VNeID.Tests.Security;

public class AuditChainTests
{
    private static List<AuditEntry> Chain(int length)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditChain.Genesis;
        var at = new DateTimeOffset(2026, 11, 23, 1, 2, 3, TimeSpan.Zero).AddTicks(1234567);
        for (var seq = 1; seq <= length; seq++)
        {
            var kind = (AccountEventKind)(seq % 16);
            var when = AuditChain.Normalize(at.AddMinutes(seq));
            var hash = AuditChain.Hash(previous, "001090012345", seq, kind, AccountStatus.Level1, AccountStatus.Level1, when,
                ActorRole.Citizen, "001090012345", seq % 2 == 0 ? null : $"reason {seq}");
            entries.Add(new AuditEntry("001090012345", seq, kind, AccountStatus.Level1, AccountStatus.Level1, when,
                ActorRole.Citizen, "001090012345", seq % 2 == 0 ? null : $"reason {seq}", previous, hash));
            previous = hash;
        }
        return entries;
    }

    private static (long, byte[]) Head(List<AuditEntry> chain) => (chain[^1].Sequence, chain[^1].Hash);

    [Fact]
    public void An_intact_chain_verifies()
    {
        var chain = Chain(10);
        Assert.Empty(AuditChain.Verify(chain, Head(chain)));
        Assert.Empty(AuditChain.Verify([], null));
    }

    public static TheoryData<string> Fields() => ["kind", "from", "to", "occurredAt", "actorRole", "actorId", "reason", "previousHash", "hash", "sequence"];

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_of_any_entry_is_detected(string field)
    {
        for (var index = 0; index < 6; index++)
        {
            var chain = Chain(6);
            var head = Head(chain);
            var e = chain[index];
            chain[index] = field switch
            {
                "kind" => e with { Kind = e.Kind + 1 },
                "from" => e with { From = AccountStatus.Locked },
                "to" => e with { To = AccountStatus.Level2 },
                "occurredAt" => e with { OccurredAt = e.OccurredAt.AddTicks(10) },
                "actorRole" => e with { ActorRole = ActorRole.Operator },
                "actorId" => e with { ActorId = e.ActorId[..^1] + "9" },
                "reason" => e with { Reason = (e.Reason ?? "") + "x" },
                "previousHash" => e with { PreviousHash = Flip(e.PreviousHash) },
                "hash" => e with { Hash = Flip(e.Hash) },
                _ => e with { Sequence = e.Sequence + 100 },
            };
            Assert.NotEmpty(AuditChain.Verify(chain, head));
        }
    }

    [Fact]
    public void A_removed_entry_is_detected_in_the_middle_and_at_the_end()
    {
        var chain = Chain(6);
        var head = Head(chain);
        var middle = chain.Where((_, i) => i != 2).ToList();
        Assert.Contains(AuditChain.Verify(middle, head), p => p.Contains("missing"));
        var tail = chain.Take(5).ToList();
        Assert.Contains(AuditChain.Verify(tail, head), p => p.Contains("head records entry 6"));
    }

    [Fact]
    public void An_inserted_entry_is_detected()
    {
        var chain = Chain(4);
        var head = Head(chain);
        var forged = chain[1] with { Reason = "forged" };
        chain.Insert(2, forged with { Hash = AuditChain.Hash(forged) });
        Assert.NotEmpty(AuditChain.Verify(chain, head));
    }

    [Fact]
    public void A_chain_without_its_head_is_reported()
    {
        var chain = Chain(3);
        Assert.Contains(AuditChain.Verify(chain, null), p => p.Contains("no head"));
    }

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[0] ^= 0x01;
        return copy;
    }
}
