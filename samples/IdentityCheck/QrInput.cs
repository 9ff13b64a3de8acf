using System.Formats.Cbor;
using Microsoft.IdentityModel.Tokens;
using SimpleBase;
using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace IdentityCheck;

/// <summary>What the desk was given: a QR's picture (camera frame or file) or its text, back to the presentation it holds.</summary>
public static class QrInput
{
    public const string Prefix = "VN1:";
    public const int MaxText = 12_000, MaxPresentation = 16_384, MaxImageBytes = 8 << 20, MaxSide = 4096;

    /// <summary>
    /// The SD-JWT presentation a text holds. After <c>VN1:</c> (what VNeID's QR holds): base45 of the zlib compression of a
    /// CBOR array of three arrays of byte strings — the issuer JWT's segments, the disclosures, the key-binding JWT's
    /// segments — written back in base64url. Otherwise the text itself (a presentation or a credential pasted as it is).
    /// </summary>
    public static string Presentation(string text)
    {
        text = text.Trim();
        if (text.Length > MaxText) throw new System.FormatException("too long");
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return text;
        var cbor = new CborReader(Compression.Inflate(Base45.Default.Decode(text.AsSpan(Prefix.Length)), MaxPresentation));
        try
        {
            if (cbor.ReadStartArray() != 3) throw new System.FormatException("not a VN1 code");
            var jwt = string.Join('.', Segments(cbor));
            var disclosures = Segments(cbor);
            var binding = string.Join('.', Segments(cbor));
            cbor.ReadEndArray();
            return jwt + "~" + string.Concat(disclosures.Select(d => d + "~")) + binding;
        }
        catch (CborContentException e)
        {
            throw new System.FormatException("not a VN1 code", e);
        }
    }

    private static List<string> Segments(CborReader cbor)
    {
        var count = cbor.ReadStartArray() ?? throw new System.FormatException("an indefinite array");
        if (count > 64) throw new System.FormatException("too many parts");
        var segments = new List<string>(count);
        for (var i = 0; i < count; i++) segments.Add(Base64UrlEncoder.Encode(cbor.ReadByteString()));
        cbor.ReadEndArray();
        return segments;
    }

    /// <summary>The text of the QR code in a picture (PNG, JPEG, WebP), or null when none is found.</summary>
    public static string? Read(byte[] image)
    {
        if (image.Length is 0 or > MaxImageBytes) return null;
        using var codec = SKCodec.Create(new MemoryStream(image));
        if (codec is null || codec.Info.Width > MaxSide || codec.Info.Height > MaxSide) return null;
        using var bitmap = SKBitmap.Decode(codec, codec.Info.WithColorType(SKColorType.Bgra8888).WithAlphaType(SKAlphaType.Premul));
        if (bitmap is null) return null;
        var source = new RGBLuminanceSource(bitmap.Bytes, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.BGRA32);
        // A camera frame first; then as a clean picture of the code alone (a screenshot, a saved image), which the
        // general detector can miss for dense codes scaled by a screen.
        foreach (var pure in new[] { false, true })
        {
            var reader = new BarcodeReaderGeneric
            {
                AutoRotate = !pure,
                Options = new DecodingOptions { TryHarder = true, PureBarcode = pure, PossibleFormats = [BarcodeFormat.QR_CODE] },
            };
            if (reader.Decode(source)?.Text is { } text) return text;
        }
        return null;
    }
}
