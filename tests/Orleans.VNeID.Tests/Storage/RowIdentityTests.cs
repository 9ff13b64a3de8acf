using Orleans.Storage;
using Orleans.VNeID.Grains.Storage;

namespace Orleans.VNeID.Tests.Storage;

/// <summary>
/// The group commit writes the very rows Orleans' ADO.NET grain storage reads: a grain is identified as that provider
/// identifies it (../shared/orleans-adonet-contract.md §3.2).
/// </summary>
public sealed class RowIdentityTests
{
    private sealed class RecordingHasher : IHasher
    {
        public List<byte[]> Hashed { get; } = [];
        public string Description => "records its input";
        public int Hash(byte[] data) { Hashed.Add(data); return data.Length; }
    }

    [Fact]
    public void A_personal_id_number_is_an_integer_key_in_n1_as_the_provider_classifies_it()
    {
        var hasher = new RecordingHasher();
        var row = RowIdentity.Of("svc", "account", GrainId.Create("vneid.account", "001090012345"), hasher);
        Assert.Equal((0L, 0x001090012345L, ""), (row.N0, row.N1, row.Extension));
        // The key's 8 little-endian bytes, reversed, then the state name's UTF-8 bytes.
        var expected = BitConverter.GetBytes(0x001090012345L);
        Array.Reverse(expected);
        Assert.Equal(expected, hasher.Hashed[0]);
        Assert.Equal("account"u8.ToArray(), hasher.Hashed[1]);
    }

    [Fact]
    public void A_foreigners_key_and_a_dossier_code_are_string_keys_in_the_extension()
    {
        foreach (var key in new[] { "FRA-18AB12345", "260213-1012-00001-5" })
        {
            var hasher = new RecordingHasher();
            var row = RowIdentity.Of("svc", "account", GrainId.Create("vneid.account", key), hasher);
            Assert.Equal((0L, 0L, key), (row.N0, row.N1, row.Extension));
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(key).Reverse().ToArray(), hasher.Hashed[0]);
        }
    }
}
