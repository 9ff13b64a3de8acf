using System.IO.Compression;
using System.Text;
using QRCoder;
using SimpleBase;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// The QR a citizen shows in person (issue 29): a holder-signed SD-JWT presentation, compressed (zlib) and written in
/// base45 behind the prefix <c>VN1:</c>, as the EU's health certificates were (<c>HC1:</c>). Base45 uses only the QR
/// code's alphanumeric characters, so the code holds 5.5 bits per character instead of 8.
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
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            zlib.Write(Encoding.ASCII.GetBytes(presentation));
        return Prefix + Base45.Default.Encode(packed.ToArray());
    }

    /// <summary>The QR (PNG, four modules of quiet zone) of <paramref name="text"/>, or null when it is too long for one.</summary>
    public static byte[]? Png(string text)
    {
        try
        {
            using var data = QRCodeGenerator.GenerateQrCode(text, ErrorCorrection);
            return new PngByteQRCode(data).GetGraphic(4);
        }
        catch (QRCoder.Exceptions.DataTooLongException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="presentation"/> has the form of an SD-JWT with key binding (base64url parts, '.' and '~'):
    /// what the console is asked to draw is only ever that.
    /// </summary>
    public static bool LooksLikePresentation(string presentation) =>
        presentation.Length is > 0 and <= MaxPresentationLength && presentation.Count(c => c == '~') >= 1 && !presentation.EndsWith('~') &&
        presentation.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~');
}
