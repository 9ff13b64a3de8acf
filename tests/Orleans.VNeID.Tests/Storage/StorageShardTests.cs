using Orleans.Storage;
using Orleans.VNeID.Grains.Storage;

namespace Orleans.VNeID.Tests.Storage;

/// <summary>
/// Storage shards (issue 15): a grain state's shard depends on its stored key hash and the shard count alone, the states
/// spread evenly, and appending a shard moves states only onto the new shard.
/// </summary>
public sealed class StorageShardTests
{
    private static readonly int[] Hashes = Enumerable.Range(0, 100_000).Select(i => unchecked(i * -1640531535 + 12345)).ToArray();

    [Fact]
    public void One_shard_holds_every_state()
    {
        Assert.All(Hashes.Take(1000), h => Assert.Equal(0, StorageShard.Of(h, 1)));
    }

    [Fact]
    public void A_states_shard_never_changes_for_the_same_count_so_every_silo_and_the_reshard_agree()
    {
        // Pinned (and checked against an independent Python rendering of the same function): a change to it would strand every stored state on a shard the silos no longer read.
        Assert.Equal([1, 0, 1, 0, 0, 0, 0, 1], new[] { 0, 1, 2, 3, -1, int.MaxValue, int.MinValue, 123456789 }.Select(h => StorageShard.Of(h, 2)));
        Assert.Equal([1, 6, 2, 5, 4, 2, 0, 7], new[] { 0, 1, 2, 3, -1, int.MaxValue, int.MinValue, 123456789 }.Select(h => StorageShard.Of(h, 8)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void States_spread_evenly_over_the_shards(int shards)
    {
        var counts = new int[shards];
        foreach (var h in Hashes) counts[StorageShard.Of(h, shards)]++;
        var even = Hashes.Length / (double)shards;
        Assert.All(counts, c => Assert.InRange(c, even * 0.95, even * 1.05));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Appending_a_shard_moves_states_only_onto_it_and_about_its_share(int before)
    {
        var moved = 0;
        foreach (var h in Hashes)
        {
            var (old, now) = (StorageShard.Of(h, before), StorageShard.Of(h, before + 1));
            if (old == now) continue;
            Assert.Equal(before, now);
            moved++;
        }
        var share = Hashes.Length / (double)(before + 1);
        Assert.InRange(moved, share * 0.95, share * 1.05);
    }

    private sealed class FixedHasher : IHasher
    {
        public string Description => "the key's first byte";
        public int Hash(byte[] data) => data[^1];
    }

    private sealed class Picker : IStorageHasherPicker
    {
        public ICollection<IHasher> HashProviders { get; } = [new FixedHasher()];
        public IHasher PickHasher<T>(string serviceId, string storageProviderInstanceName, string grainType, GrainId grainId, IGrainState<T> grainState, string? tag = null) =>
            HashProviders.First();
    }

    private sealed class Recording : IGrainStorage
    {
        public List<(string Op, GrainId Grain)> Calls { get; } = [];
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) { Calls.Add(("read", grainId)); return Task.CompletedTask; }
        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) { Calls.Add(("write", grainId)); return Task.CompletedTask; }
        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) { Calls.Add(("clear", grainId)); return Task.CompletedTask; }
    }

    [Fact]
    public async Task Reads_writes_and_clears_of_a_grain_go_to_the_shard_of_its_stored_key_hash()
    {
        var shards = new[] { new Recording(), new Recording(), new Recording() };
        var storage = new ShardedGrainStorage(shards, new Picker(), "svc", "accounts-adonet");
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("vneid.account", (0x001090012300L + i).ToString("x12"))).ToArray();
        foreach (var grain in grains)
        {
            var state = new GrainState<object>(new object());
            await storage.ReadStateAsync("account", grain, state);
            await storage.WriteStateAsync("account", grain, state);
            await storage.ClearStateAsync("account", grain, state);
        }
        foreach (var grain in grains)
        {
            var expected = StorageShard.Of(RowIdentity.Of("svc", "account", grain, new FixedHasher()).IdHash, shards.Length);
            for (var s = 0; s < shards.Length; s++)
                Assert.Equal(s == expected ? ["read", "write", "clear"] : [], shards[s].Calls.Where(c => c.Grain == grain).Select(c => c.Op));
        }
        Assert.All(shards, s => Assert.NotEmpty(s.Calls)); // 40 grains reach all three
    }
}
