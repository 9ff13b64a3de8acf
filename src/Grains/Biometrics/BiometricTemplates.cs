using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace Orleans.VNeID.Grains.Biometrics;

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

    /// <summary>
    /// When one modality matches and the other scores below this, the capture is suspect: the same person's portrait and
    /// fingerprint do not disagree that much (a forged or replayed capture does). Default 0.50.
    /// </summary>
    [Range(0.0, 1.0)] public double SuspectBelow { get; set; } = 0.50;

    /// <summary>Failed matches for one ID number before its desk matches are refused for a while (growing). Default 3.</summary>
    [Range(1, 50)] public int CitizenFailureBudget { get; set; } = 3;

    /// <summary>Failed matches by one officer before their desk matches are refused for a while (growing), and operators alerted. Default 5.</summary>
    [Range(1, 100)] public int OfficerFailureBudget { get; set; } = 5;

    /// <summary>The first refusal after a budget is spent; each later one doubles, up to 24 hours. Default 1 hour.</summary>
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>What the desk learns from a match: never a score.</summary>
public enum MatchVerdict
{
    Matched,
    NotMatched,
    /// <summary>One modality matched and the other disagreed grossly: refused, counted and alerted as a likely forgery.</summary>
    Suspect,
}

/// <summary>
/// The one match rule: the portrait or the fingerprint captured at the desk at or above the threshold against the
/// enrolled template, unless the other disagrees grossly (suspect). Only the verdict leaves the rule: a score answered
/// to the desk is an oracle that rebuilds the enrolled template from a few dozen probes.
/// </summary>
public static class BiometricMatch
{
    public static MatchVerdict Of(byte[] portrait, byte[] fingerprint, byte[] enrolledPortrait, byte[] enrolledFingerprint, BiometricOptions options)
    {
        var p = BiometricTemplates.Similarity(portrait, enrolledPortrait);
        var f = BiometricTemplates.Similarity(fingerprint, enrolledFingerprint);
        if (p < options.MatchThreshold && f < options.MatchThreshold) return MatchVerdict.NotMatched;
        return Math.Min(p, f) < options.SuspectBelow ? MatchVerdict.Suspect : MatchVerdict.Matched;
    }
}

/// <summary>
/// Fixed-length feature vectors as capture devices produce them: <see cref="Length"/> signed bytes. The stand-in for real
/// enrolment draws each person's features at random (<see cref="NewPerson"/>) and stores them: nothing about them follows
/// from the ID number.
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

    /// <summary>A simulated person's features for one modality, drawn at random (stored by the registry stand-in).</summary>
    public static byte[] NewPerson() => Vector(new Random(RandomNumberGenerator.GetInt32(int.MaxValue)));

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
}
