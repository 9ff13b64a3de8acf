using System.Text;
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
    /// The SD-JWT presentation a text holds: after <c>VN1:</c>, base45 of its zlib compression (what VNeID's QR
    /// holds); otherwise the text itself (a presentation or a credential pasted as it is).
    /// </summary>
    public static string Presentation(string text)
    {
        text = text.Trim();
        if (text.Length > MaxText) throw new System.FormatException("too long");
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return text;
        return Encoding.ASCII.GetString(Compression.Inflate(Base45.Default.Decode(text.AsSpan(Prefix.Length)), MaxPresentation));
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
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions { TryHarder = true, PossibleFormats = [BarcodeFormat.QR_CODE] },
        };
        return reader.Decode(source)?.Text;
    }
}
