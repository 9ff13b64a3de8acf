using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Auth;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// The issuer's nonces (OpenID4VCI's Nonce Endpoint): the expiry, a random part and an HMAC of both under a key derived
/// (HKDF) from <c>Jwt:SigningKey</c>, so any gateway checks one without stored state; each is spent once, on any gateway.
/// </summary>
public sealed class CredentialNonces(IOptions<JwtOptions> jwt, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(jwt.Value.SigningKey), 32,
        info: Encoding.ASCII.GetBytes("vneid credential nonce"));

    public string Issue()
    {
        var expires = (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        var random = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        return $"{expires}.{random}.{Mac(expires, random)}";
    }

    /// <summary>Whether <paramref name="nonce"/> is one of this issuer's, not expired, and not used before (it is used now).</summary>
    public async Task<bool> SpendAsync(string? nonce, IGrainFactory grains)
    {
        if (nonce is not { Length: <= 200 } || nonce.Split('.') is not [var unixText, var random, var mac] ||
            !long.TryParse(unixText, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)) return false;
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, 253_402_300_799));
        if (expires <= clock.GetUtcNow()) return false;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(unix, random)), Encoding.ASCII.GetBytes(mac))) return false;
        return await grains.GetGrain<Orleans.VNeID.Security.IOneTimeUseGrain>("credential-nonce:" + random).SpendAsync(expires);
    }

    private string Mac(long unix, string random) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{unix}.{random}")));
}
