using System.IO.Compression;

namespace IdentityCheck;

/// <summary>ZLIB inflation with a ceiling: what a stranger's QR or a list says it holds never fills the desk's memory.</summary>
public static class Compression
{
    public static byte[] Inflate(byte[] packed, int limit)
    {
        using var input = new ZLibStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > limit) throw new InvalidDataException("more than the desk accepts");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
