using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.VNeID.Biometrics;

/// <summary>Which capture a template comes from.</summary>
public enum Modality
{
    Portrait = 0,
    Fingerprint = 1,
}

/// <summary>Biometric matching. Section <c>Biometrics</c>.</summary>
public sealed class BiometricOptions
{
    public const string Section = "Biometrics";

    /// <summary>Cosine similarity at or above which a capture matches the enrolled template. Default 0.90.</summary>
    [Range(0.5, 1.0)] public double MatchThreshold { get; set; } = 0.90;
}

/// <summary>
/// The one match rule: the portrait or the fingerprint captured at the desk at or above the threshold against the
/// enrolled template. The scores are kept for the record; the templates are not.
/// </summary>
public sealed record BiometricMatch(double PortraitScore, double FingerprintScore, bool Matched)
{
    public static BiometricMatch Of(byte[] portrait, byte[] fingerprint, byte[] enrolledPortrait, byte[] enrolledFingerprint, double threshold)
    {
        var p = Math.Round(BiometricTemplates.Similarity(portrait, enrolledPortrait), 3);
        var f = Math.Round(BiometricTemplates.Similarity(fingerprint, enrolledFingerprint), 3);
        return new(p, f, p >= threshold || f >= threshold);
    }
}

/// <summary>
/// Fixed-length feature vectors as capture devices produce them: <see cref="Length"/> signed bytes. The registry's
/// enrolled templates are generated here from a seed per citizen (the stand-in for real enrolment).
/// </summary>
public static class BiometricTemplates
{
    public const int Length = 64;

    /// <summary>Cosine similarity of two templates, from -1 to 1; 0 when either is not a template.</summary>
    public static double Similarity(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != Length || b.Length != Length) return 0;
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Length; i++)
        {
            double x = (sbyte)a[i], y = (sbyte)b[i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>The template the registry enrolled for a citizen (deterministic per ID number and modality).</summary>
    public static byte[] Enrolled(string idNumber, Modality modality) =>
        Vector(new Random(Seed($"{idNumber}/{modality}")));

    /// <summary>What a device would capture of that citizen: the enrolled template plus sensor noise.</summary>
    public static byte[] Capture(byte[] enrolled, double noise, int seed)
    {
        var random = new Random(seed);
        var capture = new byte[Length];
        for (var i = 0; i < Length; i++)
            capture[i] = (byte)(sbyte)Math.Clamp(Math.Round((sbyte)enrolled[i] + Gaussian(random) * noise * 40), -127, 127);
        return capture;
    }

    private static byte[] Vector(Random random)
    {
        var vector = new byte[Length];
        for (var i = 0; i < Length; i++) vector[i] = (byte)(sbyte)Math.Clamp(Math.Round(Gaussian(random) * 40), -127, 127);
        return vector;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Seed(string text) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
}
