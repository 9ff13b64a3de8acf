using System.Security.Cryptography;
using System.Text;
using SkiaSharp;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// The portrait an e-ID shows, standing in for the photograph the ID-card database holds: the seeded population has
/// biometric templates but no photographs, so each citizen gets a small drawn portrait (head, hair, shoulders, in tones
/// taken from a digest of the ID number) that is the same every time. Small enough for an in-person QR: 36×48 pixels, WebP, about 200 bytes.
/// </summary>
public static class SyntheticPortrait
{
    public const int Width = 36, Height = 48;
    private const float Scale = Width / 48f;
    public const string MediaType = "image/webp";

    private static readonly SKColor[] Skins = [new(241, 204, 170), new(224, 182, 142), new(198, 150, 110), new(233, 194, 160)];
    private static readonly SKColor[] Hairs = [new(20, 18, 16), new(45, 32, 24), new(70, 50, 35), new(30, 30, 34)];
    private static readonly SKColor[] Clothes = [new(32, 74, 135), new(240, 240, 240), new(90, 90, 90), new(120, 40, 40), new(30, 100, 80)];

    /// <summary>The portrait of <paramref name="idNumber"/> as a data URL (<c>data:image/webp;base64,…</c>).</summary>
    public static string DataUrl(string idNumber, bool male) => $"data:{MediaType};base64,{Convert.ToBase64String(Image(idNumber, male))}";

    public static byte[] Image(string idNumber, bool male)
    {
        var seed = SHA256.HashData(Encoding.ASCII.GetBytes("portrait:" + idNumber));
        var skin = Skins[seed[0] % Skins.Length];
        var hair = Hairs[seed[1] % Hairs.Length];
        var cloth = Clothes[seed[2] % Clothes.Length];
        float headWidth = 19 + seed[3] % 4, headHeight = 24 + seed[4] % 4, hairLength = male ? 2 + seed[5] % 3 : 12 + seed[5] % 10;

        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(236, 240, 246));
        // Drawn on a 48×64 grid, made smaller.
        canvas.Scale(Scale);
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        const float centre = 24;
        const float top = 10;
        // Hair behind the head (longer for women), shoulders and neck, the face, the fringe, eyes and mouth.
        paint.Color = hair;
        canvas.DrawRoundRect(new SKRect(centre - headWidth / 2 - 2, top - 2, centre + headWidth / 2 + 2, top + headHeight * 0.55f + hairLength), 8, 8, paint);
        paint.Color = cloth;
        canvas.DrawOval(new SKRect(centre - 22, top + headHeight + 4, centre + 22, top + headHeight + 40), paint);
        paint.Color = skin;
        canvas.DrawRect(new SKRect(centre - 4, top + headHeight - 4, centre + 4, top + headHeight + 8), paint);
        canvas.DrawOval(new SKRect(centre - headWidth / 2, top, centre + headWidth / 2, top + headHeight), paint);
        paint.Color = hair;
        canvas.DrawArc(new SKRect(centre - headWidth / 2 - 1, top - 3, centre + headWidth / 2 + 1, top + headHeight * 0.6f), 180, 180, true, paint);
        paint.Color = new SKColor(30, 24, 20);
        float eyes = top + headHeight * 0.5f;
        canvas.DrawCircle(centre - headWidth / 5, eyes, 1.2f, paint);
        canvas.DrawCircle(centre + headWidth / 5, eyes, 1.2f, paint);
        paint.Color = new SKColor(160, 80, 80);
        canvas.DrawRect(new SKRect(centre - 3, top + headHeight * 0.78f, centre + 3, top + headHeight * 0.78f + 1.2f), paint);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Webp, 40);
        return data.ToArray();
    }
}
