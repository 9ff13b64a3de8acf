using System.Security.Cryptography;
using System.Text;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>The key of the <see cref="SecretSealer"/>. It stays in section <c>Notifications</c>, where deployments already set it.</summary>
public sealed class SealingOptions
{
    public const string Section = "Notifications";

    /// <summary>Base64 AES-256 key sealing codes in events and in the outbox. No default: set it per deployment.</summary>
    [Required, MinLength(44)] public string SealingKey { get; set; } = "";
}

/// <summary>
/// AES-256-GCM for secrets that must travel to the citizen (an activation code inside an SMS): they are sealed
/// in events, grain state and the outbox, and opened only where a message is handed to its channel.
/// Format: version (1) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SecretSealer(IOptions<SealingOptions> options)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = Convert.FromBase64String(options.Value.SealingKey);

    public byte[] Seal(string plaintext, string context)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[1 + NonceSize + TagSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(context));
        return sealedBytes;
    }

    public string Open(byte[] sealedBytes, string context)
    {
        if (sealedBytes.Length < 1 + NonceSize + TagSize || sealedBytes[0] != Version)
            throw new CryptographicException("Unknown sealed-secret format.");
        var plain = new byte[sealedBytes.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(1, NonceSize), sealedBytes.AsSpan(1 + NonceSize + TagSize),
            sealedBytes.AsSpan(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }
}
