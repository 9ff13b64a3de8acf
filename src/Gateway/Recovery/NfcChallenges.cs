using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Auth;

namespace Orleans.VNeID.Gateway.Recovery;

/// <summary>
/// The fresh challenges a chip signs for active authentication: 8 random bytes for one ID number, valid for
/// <see cref="Lifetime"/>, handed out as a token the platform alone can make (HMAC, key derived from <c>Jwt:SigningKey</c>), so
/// no state is kept until the chip's answer comes back (the account then refuses a challenge used before). Anyone may ask;
/// the answer is the same shape for every ID number.
/// </summary>
public sealed class NfcChallenges(IOptions<JwtOptions> jwt, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>What the chip signs: 8 bytes (ICAO 9303 part 11's INTERNAL AUTHENTICATE).</summary>
    public const int ChallengeLength = 8;

    private readonly byte[] _key = HMACSHA256.HashData(Convert.FromBase64String(jwt.Value.SigningKey), "vneid nfc challenges"u8);

    /// <summary>A new challenge for <paramref name="idNumber"/>: the token to send back, the bytes the chip signs, and when it expires.</summary>
    public (string Token, byte[] Challenge, DateTimeOffset ExpiresAt) Issue(string idNumber)
    {
        var challenge = RandomNumberGenerator.GetBytes(ChallengeLength);
        var expires = clock.GetUtcNow().Add(Lifetime);
        var body = new byte[16];
        challenge.CopyTo(body, 0);
        BitConverter.TryWriteBytes(body.AsSpan(8), expires.ToUnixTimeSeconds());
        return (Base64UrlEncoder.Encode([.. body, .. Mac(idNumber, body)]), challenge, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The challenge inside <paramref name="token"/> when this platform issued it for <paramref name="idNumber"/> and it has not expired.</summary>
    public byte[]? Open(string idNumber, string? token)
    {
        if (token is null || token.Length > 64) return null;
        byte[] raw;
        try
        {
            raw = Base64UrlEncoder.DecodeBytes(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (raw.Length != 32 || !CryptographicOperations.FixedTimeEquals(raw.AsSpan(16), Mac(idNumber, raw[..16]))) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BitConverter.ToInt64(raw, 8));
        return expires > clock.GetUtcNow() ? raw[..8] : null;
    }

    private byte[] Mac(string idNumber, byte[] body)
    {
        byte[] message = [.. Encoding.UTF8.GetBytes(idNumber), (byte)'\n', .. body];
        return HMACSHA256.HashData(_key, message)[..16];
    }
}

/// <summary>A challenge for the chip to sign (<see cref="Challenge"/>, base64), and the token that carries it back.</summary>
public sealed record NfcChallenge(string Token, string Challenge, DateTimeOffset ExpiresAt);
