using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>A signed access token and when it stops working; for citizens also the refresh token that renews it.</summary>
public sealed record AccessToken(string Token, string TokenType, DateTimeOffset ExpiresAt, string Role)
{
    public string? RefreshToken { get; init; }
    public DateTimeOffset? RefreshExpiresAt { get; init; }
}

/// <summary>Signs access tokens (HMAC-SHA256) for citizens after the account grain verified their password, and for service accounts.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    public const string SessionClaim = "sid";
    public const string LevelClaim = "lvl";
    public const string OfficeClaim = "office";

    public AccessToken Issue(string subject, string role, IEnumerable<Claim>? extraClaims = null, TimeSpan? lifetime = null)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow();
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(jwt.AccessTokenMinutes));
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, subject),
            new("role", role),
            // Names this token for revocation (a staff logout revokes exactly it).
            new(JwtRegisteredClaimNames.Jti, Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))),
        };
        if (extraClaims is not null) claims.AddRange(extraClaims);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(jwt.Key(), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, "Bearer", expires, role);
    }

    public TokenValidationParameters ValidationParameters()
    {
        var jwt = options.Value;
        return new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = jwt.Key(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = "role",
        };
    }
}
