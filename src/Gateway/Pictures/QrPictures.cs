using QRCoder;

namespace Orleans.VNeID.Gateway.Pictures;

/// <summary>QR codes as pictures (QRCoder): the wallet's in-person e-ID, the app's sign-in QR.</summary>
public static class QrPictures
{
    /// <summary>
    /// The QR (PNG, four modules of quiet zone) of <paramref name="text"/> at error correction <paramref name="level"/>
    /// (L keeps the most room for data), or null when it is too long for one.
    /// </summary>
    public static byte[]? Png(string text, QRCodeGenerator.ECCLevel level = QRCodeGenerator.ECCLevel.L)
    {
        try
        {
            using var data = QRCodeGenerator.GenerateQrCode(text, level);
            return new PngByteQRCode(data).GetGraphic(4);
        }
        catch (QRCoder.Exceptions.DataTooLongException)
        {
            return null;
        }
    }
}
