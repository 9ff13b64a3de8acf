using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Auth;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Issue 15, the read path: a token checked once is remembered until it expires, and only that token.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "vneid", ValidAudience = "vneid-api", IssuerSigningKey = Key, ClockSkew = TimeSpan.Zero,
    };

    private static string Token(DateTime expires, string subject = "001090012345") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "vneid", Audience = "vneid-api", Expires = expires, NotBefore = expires.AddMinutes(-10), IssuedAt = expires.AddMinutes(-10),
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
    });

    [Fact]
    public async Task A_remembered_token_answers_a_fresh_identity_and_a_changed_or_expired_token_is_checked_in_full()
    {
        var cache = new ValidatedTokenCache(100, TimeProvider.System);
        var token = Token(DateTime.UtcNow.AddMinutes(5));
        var first = await cache.ValidateTokenAsync(token, Parameters);
        var second = await cache.ValidateTokenAsync(token, Parameters);
        Assert.True(first.IsValid && second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("001090012345", second.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.IsType<JsonWebToken>(second.SecurityToken);

        // One character of the signature changed: not the remembered token, and it fails.
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.False((await cache.ValidateTokenAsync(tampered, Parameters)).IsValid);
        // Expired: never remembered as valid.
        Assert.False((await cache.ValidateTokenAsync(Token(DateTime.UtcNow.AddMinutes(-1)), Parameters)).IsValid);
    }
}
