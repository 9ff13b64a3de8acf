using System.Buffers.Binary;
using System.Text;
using Orleans.Storage;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>
/// A grain's row in <c>orleans.storage</c>, identified exactly as Orleans' ADO.NET grain storage identifies it
/// (../shared/orleans-adonet-contract.md §3.2), so that the rows this storage writes are the rows that provider reads.
/// </summary>
public readonly record struct RowIdentity(string ServiceId, string StateName, long N0, long N1, string Extension, int IdHash, int TypeHash)
{
    public static RowIdentity Of(string serviceId, string stateName, GrainId grainId, IHasher hasher)
    {
        var key = KeyOf(grainId);
        return new RowIdentity(serviceId, stateName, key.N0, key.N1, key.Extension, (int)hasher.Hash(key.Bytes), (int)hasher.Hash(Encoding.UTF8.GetBytes(stateName)));
    }

    /// <summary>The key's hash alone, as <see cref="Of"/> computes it: what a shard is chosen by.</summary>
    public static int IdHashOf(GrainId grainId, IHasher hasher) => (int)hasher.Hash(KeyOf(grainId).Bytes);

    private static (long N0, long N1, string Extension, byte[] Bytes) KeyOf(GrainId grainId)
    {
        long n0 = 0, n1 = 0;
        string? extension;
        byte[] keyBytes;
        if (grainId.TryGetGuidKey(out var guid, out extension))
        {
            var bytes = guid.ToByteArray();
            n0 = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            n1 = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
            keyBytes = [.. bytes, .. Encoding.UTF8.GetBytes(extension ?? "")];
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, integer);
            keyBytes = [.. bytes, .. Encoding.UTF8.GetBytes(extension ?? "")];
        }
        else
        {
            extension = grainId.Key.ToString();
            keyBytes = Encoding.UTF8.GetBytes(extension!);
        }
        Array.Reverse(keyBytes);
        // The schema stores an absent extension as '' (001_orleans.sql), as the provider's queries coalesce it.
        return (n0, n1, extension ?? "", keyBytes);
    }
}

/// <summary>
/// The silos' grain storage (issue 15): reads and clears through Orleans' ADO.NET provider, writes through the
/// <see cref="GroupCommitWriter"/>, which commits the writes of many grains in one transaction, and answers each only
/// after that commit. It stores states and nothing else; a citizen account commits through <see cref="IAccountCommits"/>.
/// </summary>
public sealed class GroupCommitStorage(
    IGrainStorage inner,
    GroupCommitWriter writer,
    IGrainStorageSerializer serializer,
    IStorageHasherPicker hashers,
    string serviceId,
    string providerName) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var hasher = hashers.PickHasher(serviceId, providerName, stateName, grainId, grainState, null)
            ?? throw new InvalidOperationException("The ADO.NET storage options pick no hasher.");
        var row = RowIdentity.Of(serviceId, stateName, grainId, hasher);
        int? expected = string.IsNullOrWhiteSpace(grainState.ETag) ? null : int.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var payload = serializer.Serialize(grainState.State).ToArray();
        var version = await writer.WriteAsync(new StateWrite(row, payload, expected, null));
        if (version is null)
            throw new InconsistentStateException($"Version conflict (WriteState): ServiceId={serviceId} ProviderName={providerName} GrainType={stateName} GrainId={grainId} ETag={grainState.ETag}.");
        grainState.ETag = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }
}
