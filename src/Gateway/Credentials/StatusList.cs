using System.IO.Compression;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// A Token Status List (IETF OAuth, draft-ietf-oauth-status-list): each issued credential owns an index; the list holds
/// <see cref="Bits"/> bits per index (least significant first within each byte), compressed with DEFLATE in the ZLIB
/// format and base64url-encoded as <c>lst</c>.
/// </summary>
public static class StatusList
{
    public const int Bits = 2;
    public const byte Valid = 0, Invalid = 1, Suspended = 2;

    /// <summary>The <c>lst</c> of a list of <paramref name="size"/> entries with the given statuses (every other entry valid).</summary>
    public static string Encode(int size, IEnumerable<(int Index, byte Status)> statuses)
    {
        var bytes = new byte[(size * Bits + 7) / 8];
        foreach (var (index, status) in statuses)
        {
            if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(statuses), "An index outside the list.");
            var bit = index * Bits;
            bytes[bit / 8] |= (byte)((status & ((1 << Bits) - 1)) << (bit % 8));
        }
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(bytes);
        return Base64UrlEncoder.Encode(output.ToArray());
    }

    /// <summary>The status at <paramref name="index"/> of an encoded list (what a verifier reads).</summary>
    public static byte Read(string lst, int index)
    {
        using var input = new ZLibStream(new MemoryStream(Base64UrlEncoder.DecodeBytes(lst)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        input.CopyTo(bytes);
        var bit = index * Bits;
        return (byte)((bytes.ToArray()[bit / 8] >> (bit % 8)) & ((1 << Bits) - 1));
    }
}
