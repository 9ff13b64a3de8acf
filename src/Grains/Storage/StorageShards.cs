using Orleans.Storage;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>
/// The shard of a grain's state: a jump consistent hash (Lamping and Veach, 2014) of the row's <c>grain_id_hash</c>,
/// the hash Orleans' storage contract stores with every row (../shared/orleans-adonet-contract.md §3.2). It depends on
/// nothing but that stored column and the shard count, so a row's shard can be computed from the row alone (the
/// re-shard command does), and when shards are appended a state moves only from an old shard to a new one: going from
/// N to N+1 shards moves about 1/(N+1) of the states and leaves every other where it was.
/// </summary>
public static class StorageShard
{
    public static int Of(int grainIdHash, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        // The key spread over 64 bits first (the jump hash draws its steps from the key's bits).
        var key = (ulong)(uint)grainIdHash * 0x9E3779B97F4A7C15UL ^ 0xD6E8FEB86659FD93UL;
        long bucket = -1, next = 0;
        while (next < shards)
        {
            bucket = next;
            key = key * 2862933555777941757UL + 1;
            next = (long)((bucket + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)bucket;
    }
}

/// <summary>
/// The grain storage over several databases: each grain's reads, writes and clears go to the storage of the shard its
/// key hashes to (<see cref="StorageShard"/>). The hash is the one the ADO.NET provider stores in the row, computed
/// with the provider's own hasher.
/// </summary>
public sealed class ShardedGrainStorage(IReadOnlyList<IGrainStorage> shards, IStorageHasherPicker hashers, string serviceId, string providerName)
    : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ShardOf(stateName, grainId, grainState).ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ShardOf(stateName, grainId, grainState).WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ShardOf(stateName, grainId, grainState).ClearStateAsync(stateName, grainId, grainState);

    private IGrainStorage ShardOf<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (shards.Count == 1) return shards[0];
        var hasher = hashers.PickHasher(serviceId, providerName, stateName, grainId, grainState, null)
            ?? throw new InvalidOperationException("The ADO.NET storage options pick no hasher.");
        return shards[StorageShard.Of(RowIdentity.IdHashOf(grainId, hasher), shards.Count)];
    }
}
