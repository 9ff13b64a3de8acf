using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Auth;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>A check code to show on the lookup screen, and the signed challenge to send back with it.</summary>
public sealed record LookupChallenge(string Challenge, string CheckCode, DateTimeOffset ExpiresAt);

/// <summary>
/// The dossier lookup's check code (the seed's "mã kiểm tra"): each lookup screen gets a new one, which the citizen reads
/// and types back beside the dossier code and the printed security code. Stateless across gateways: the challenge is the
/// expiry, a nonce and an HMAC of both with the code, under a key derived (HKDF) from <c>Jwt:SigningKey</c>, so any
/// gateway checks it and a code cannot be altered or reused after <see cref="Lifetime"/>.
/// </summary>
public sealed class LookupChallenges(IOptions<JwtOptions> jwt, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const int CodeLength = 5;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(jwt.Value.SigningKey), 32,
        info: Encoding.ASCII.GetBytes("vneid dossier lookup check code"));

    private readonly byte[] _codeKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(jwt.Value.SigningKey), 32,
        info: Encoding.ASCII.GetBytes("vneid dossier lookup check code letters"));

    public LookupChallenge Issue()
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var nonce = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        var code = CodeFor(nonce);
        var unix = expires.ToUnixTimeSeconds();
        return new LookupChallenge($"{unix}.{nonce}.{Mac(unix, nonce, code)}", code, DateTimeOffset.FromUnixTimeSeconds(unix));
    }

    /// <summary>
    /// Whether <paramref name="checkCode"/> is the one shown with <paramref name="challenge"/>, before it expired, and the
    /// challenge was not used before (each lookup screen's check code works once, on any gateway).
    /// </summary>
    public async Task<bool> VerifyOnceAsync(string? challenge, string? checkCode, IGrainFactory grains)
    {
        if (!Verify(challenge, checkCode)) return false;
        var parts = challenge!.Split('.');
        return await grains.GetGrain<Orleans.VNeID.Security.IOneTimeUseGrain>("dossier-lookup:" + parts[1])
            .SpendAsync(DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Whether <paramref name="checkCode"/> is the one shown with <paramref name="challenge"/>, before it expired.</summary>
    public bool Verify(string? challenge, string? checkCode)
    {
        if (challenge is not { Length: <= 200 } || checkCode is not { Length: > 0 and <= 16 }) return false;
        var parts = challenge.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var unix))
            return false;
        if (DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, 253_402_300_799)) <= clock.GetUtcNow()) return false;
        var expected = Encoding.ASCII.GetBytes(Mac(unix, parts[1], checkCode.Trim().ToUpperInvariant()));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]));
    }

    /// <summary>
    /// The check code of a challenge still valid, for the look-up page to draw as an image: the code follows from the
    /// challenge's random nonce under a key of the platform's, so any gateway draws it and nothing is stored.
    /// </summary>
    public string? CodeOf(string? challenge)
    {
        if (challenge is not { Length: <= 200 } || challenge.Split('.') is not [_, var nonce, _]) return null;
        var code = CodeFor(nonce);
        return Verify(challenge, code) ? code : null;
    }

    // 32 letters: each byte modulo 32 is unbiased.
    private string CodeFor(string nonce) =>
        new([.. HMACSHA256.HashData(_codeKey, Encoding.UTF8.GetBytes(nonce)).Take(CodeLength).Select(b => Alphabet[b % Alphabet.Length])]);

    private string Mac(long unix, string nonce, string code) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{unix}.{nonce}.{code}")));
}
