using System.Globalization;
using System.Security.Cryptography;
using SkiaSharp;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>
/// The look-up page's check code as a picture (PNG, drawn with SkiaSharp): each letter drawn from strokes (no font is
/// needed on the machine), moved, turned and sized at random, over crossing lines and dots, so the code is never in the
/// page's text for a script to read off.
/// </summary>
public static class CheckCodeImage
{
    private const int Cell = 38, Height = 76;

    // Each letter of the alphabet as polylines on a 4×6 grid (x right, y down); "|" separates strokes.
    private static readonly Dictionary<char, string> Strokes = new()
    {
        ['A'] = "0,6 2,0 4,6|1,3.6 3,3.6", ['B'] = "0,0 0,6 3,6 4,5 4,4 3,3 0,3|0,0 3,0 4,1 4,2 3,3",
        ['C'] = "4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5", ['D'] = "0,0 0,6 2.5,6 4,4.5 4,1.5 2.5,0 0,0",
        ['E'] = "4,0 0,0 0,6 4,6|0,3 3,3", ['F'] = "4,0 0,0 0,6|0,3 3,3", ['G'] = "4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5 4,3 2,3",
        ['H'] = "0,0 0,6|4,0 4,6|0,3 4,3", ['J'] = "4,0 4,5 3,6 1,6 0,5", ['K'] = "0,0 0,6|4,0 0,3.5|1.3,2.6 4,6", ['L'] = "0,0 0,6 4,6",
        ['M'] = "0,6 0,0 2,3 4,0 4,6", ['N'] = "0,6 0,0 4,6 4,0", ['P'] = "0,6 0,0 3,0 4,1 4,2 3,3 0,3",
        ['Q'] = "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0|2.5,4.5 4,6.4", ['R'] = "0,6 0,0 3,0 4,1 4,2 3,3 0,3|2,3 4,6",
        ['S'] = "4,1 3,0 1,0 0,1 0,2 1,3 3,3 4,4 4,5 3,6 1,6 0,5", ['T'] = "0,0 4,0|2,0 2,6", ['U'] = "0,0 0,5 1,6 3,6 4,5 4,0",
        ['V'] = "0,0 2,6 4,0", ['W'] = "0,0 1,6 2,3 3,6 4,0", ['X'] = "0,0 4,6|4,0 0,6", ['Y'] = "0,0 2,3 4,0|2,3 2,6", ['Z'] = "0,0 4,0 0,6 4,6",
        ['2'] = "0,1 1,0 3,0 4,1 4,2 0,6 4,6", ['3'] = "0,1 1,0 3,0 4,1 4,2 3,3 4,4 4,5 3,6 1,6 0,5|1.5,3 3,3", ['4'] = "3,6 3,0 0,4 4,4",
        ['5'] = "4,0 0,0 0,3 3,3 4,4 4,5 3,6 1,6 0,5", ['6'] = "3,0 1,0 0,1 0,5 1,6 3,6 4,5 4,4 3,3 0,3", ['7'] = "0,0 4,0 1.5,6",
        ['8'] = "1,3 0,2 0,1 1,0 3,0 4,1 4,2 3,3 1,3 0,4 0,5 1,6 3,6 4,5 4,4 3,3", ['9'] = "4,3 1,3 0,2 0,1 1,0 3,0 4,1 4,5 3,6 1,6",
    };

    /// <summary>The PNG of <paramref name="code"/> (letters of the check-code alphabet).</summary>
    public static byte[] Png(string code)
    {
        var width = code.Length * Cell + 24;
        using var surface = SKSurface.Create(new SKImageInfo(width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(252, 251, 245));
        using var noise = new SKPaint { Color = new SKColor(110, 110, 110), StrokeWidth = 1.6f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (var i = 0; i < 7; i++) canvas.DrawLine(Next(0, width), Next(0, Height), Next(0, width), Next(0, Height), noise);
        using var pen = new SKPaint
        {
            Color = new SKColor(17, 17, 17), StrokeWidth = 3.4f, IsAntialias = true, Style = SKPaintStyle.Stroke,
            StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round,
        };
        for (var i = 0; i < code.Length; i++)
        {
            if (!Strokes.TryGetValue(code[i], out var strokes)) throw new ArgumentException("Not a check-code letter.", nameof(code));
            float sx = Next(45, 65) / 10f, sy = Next(75, 95) / 10f;
            float left = 14 + i * Cell + Next(-3, 4), top = (Height - 6 * sy) / 2 + Next(-5, 6);
            canvas.Save();
            canvas.RotateDegrees(Next(-20, 21), left + 2 * sx, top + 3 * sy);
            using var builder = new SKPathBuilder();
            foreach (var stroke in strokes.Split('|'))
            {
                var points = stroke.Split(' ').Select(p => p.Split(',')).Select(p =>
                    new SKPoint(left + float.Parse(p[0], CultureInfo.InvariantCulture) * sx, top + float.Parse(p[1], CultureInfo.InvariantCulture) * sy)).ToArray();
                builder.MoveTo(points[0]);
                foreach (var point in points.Skip(1)) builder.LineTo(point);
            }
            using var path = builder.Detach();
            canvas.DrawPath(path, pen);
            canvas.Restore();
        }
        using var dots = new SKPaint { Color = new SKColor(90, 90, 90), IsAntialias = true };
        for (var i = 0; i < 60; i++) canvas.DrawCircle(Next(0, width), Next(0, Height), Next(5, 16) / 10f, dots);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static int Next(int from, int to) => RandomNumberGenerator.GetInt32(from, to);
}
