using System.Security.Cryptography;

namespace Orleans.VNeID.Grains.Chips;

/// <summary>
/// ICAO 9303 part 11 active authentication, as the platform's chips do it: data group 15 holds the chip's public key
/// (a SubjectPublicKeyInfo; ECDSA P-256 here), covered by EF.SOD like every data group, and the chip signs the platform's
/// 8-byte challenge with the private key that never leaves it (ECDSA over SHA-256, plain r‖s as BSI TR-03111 has it).
/// </summary>
public static class ActiveAuthentication
{
    public const int DataGroup = 15;
    public const int ChallengeLength = 8;

    /// <summary>Whether <paramref name="signature"/> is the chip's, over <paramref name="challenge"/>, by the key of <paramref name="dg15"/>.</summary>
    public static bool Verifies(byte[] dg15, byte[] challenge, byte[] signature)
    {
        if (challenge.Length != ChallengeLength || signature.Length is 0 or > 256) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(dg15, out var read);
            return read == dg15.Length && key.VerifyData(challenge, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>What the chip does with a challenge (the simulated chips of Development and the tests).</summary>
    public static byte[] Sign(byte[] chipKeyPkcs8, byte[] challenge)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(chipKeyPkcs8, out _);
        return key.SignData(challenge, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
