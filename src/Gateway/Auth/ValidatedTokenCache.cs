using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// The read path (issue 15): an access token's signature, issuer, audience and lifetime are checked once, and the
/// result is remembered until the token expires, keyed by the token's SHA-256 (the cache never holds a token). Only
/// what the token itself proves is remembered: the session check against the account grain (or the staff check) still
/// runs on every request, so a locked account or a revoked token stops at once as before. Bounded by entry count.
/// </summary>
public sealed class ValidatedTokenCache : JsonWebTokenHandler
{
    private readonly MemoryCache _validated;
    private readonly TimeProvider _clock;

    public ValidatedTokenCache(int maxEntries, TimeProvider clock)
    {
        _clock = clock;
        _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, Clock = null, TrackStatistics = false });
    }

    private sealed record Validated(ClaimsIdentity Identity, JsonWebToken Token, DateTime ValidTo);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = Key(token);
        if (_validated.TryGetValue(key, out Validated? known) && known!.ValidTo > _clock.GetUtcNow().UtcDateTime)
            // A copy per request: nothing a request adds to its principal reaches another's.
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = known.Identity.Clone(), SecurityToken = known.Token };

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity)
            // Remembered no longer than the token lives (the clock skew the validation allows is not extended).
            _validated.Set(key, new Validated(identity.Clone(), jwt, jwt.ValidTo),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) });
        return result;
    }

    private static string Key(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var bytes = length <= 4096 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(token, bytes);
        SHA256.HashData(bytes[..written], hash);
        return Convert.ToBase64String(hash);
    }
}
