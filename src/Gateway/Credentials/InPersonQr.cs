using System.Formats.Cbor;
using System.IO.Compression;
using Microsoft.IdentityModel.Tokens;
using QRCoder;
using SimpleBase;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// The QR a citizen shows in person (issue 29): a holder-signed SD-JWT presentation, its parts as bytes in CBOR,
/// compressed (zlib) and written in base45 behind the prefix <c>VN1:</c>, as the EU's health certificates were
/// (<c>HC1:</c>). The CBOR is an array of three arrays of byte strings — the issuer JWT's three segments, the
/// disclosures, the key-binding JWT's three segments — each the bytes its base64url stands for: the verifier writes them
/// back in base64url and has the presentation exactly. Base45 uses only the QR code's alphanumeric characters.
/// </summary>
public static class InPersonQr
{
    public const string Prefix = "VN1:";

    /// <summary>The most a presentation may weigh: compressed and in base45 it still fits the largest QR code.</summary>
    public const int MaxPresentationLength = 3800;

    /// <summary>
    /// Low error correction: the code is shown on a screen, not printed, torn or soiled, and every module saved makes
    /// it easier for a camera to read.
    /// </summary>
    public const QRCodeGenerator.ECCLevel ErrorCorrection = QRCodeGenerator.ECCLevel.L;

    /// <summary>The text the QR holds: <c>VN1:</c> and the base45 of the zlib-compressed presentation.</summary>
    public static string Text(string presentation)
    {
        var parts = presentation.Split('~');
        var cbor = new CborWriter();
        cbor.WriteStartArray(3);
        Segments(cbor, parts[0].Split('.'));
        Segments(cbor, parts[1..^1]);
        Segments(cbor, parts[^1].Split('.'));
        cbor.WriteEndArray();
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(cbor.Encode());
        return Prefix + Base45.Default.Encode(packed.ToArray());
    }

    private static void Segments(CborWriter cbor, string[] segments)
    {
        cbor.WriteStartArray(segments.Length);
        foreach (var segment in segments) cbor.WriteByteString(Base64UrlEncoder.DecodeBytes(segment));
        cbor.WriteEndArray();
    }

    /// <summary>The QR (PNG) of <paramref name="text"/> at this QR's error correction, or null when it is too long for one.</summary>
    public static byte[]? Png(string text) => Pictures.QrPictures.Png(text, ErrorCorrection);

    /// <summary>
    /// Whether <paramref name="presentation"/> has the form of an SD-JWT with key binding — a JWT, disclosures, a JWT, each
    /// part in base64url as an encoder writes it (so that its bytes give it back): what the console draws is only ever that.
    /// </summary>
    public static bool LooksLikePresentation(string presentation)
    {
        if (presentation.Length is 0 or > MaxPresentationLength || !presentation.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            return false;
        var parts = presentation.Split('~');
        if (parts.Length < 2 || parts[0].Split('.').Length != 3 || parts[^1].Split('.').Length != 3) return false;
        return parts[0].Split('.').Concat(parts[1..^1]).Concat(parts[^1].Split('.')).All(Canonical);
    }

    private static bool Canonical(string segment)
    {
        try
        {
            return segment.Length > 0 && Base64UrlEncoder.Encode(Base64UrlEncoder.DecodeBytes(segment)) == segment;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
