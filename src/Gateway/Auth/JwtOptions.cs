using System.ComponentModel.DataAnnotations;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>Access tokens. Section <c>Jwt</c>.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>Token issuer. Default "vneid".</summary>
    [Required] public string Issuer { get; set; } = "vneid";

    /// <summary>Token audience. Default "vneid-api".</summary>
    [Required] public string Audience { get; set; } = "vneid-api";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes. No default: set it per deployment.</summary>
    [Required, MinLength(44)] public string SigningKey { get; set; } = "";

    /// <summary>Access-token lifetime. Default 5 minutes: short, because a refresh token renews it.</summary>
    [Range(1, 1440)] public int AccessTokenMinutes { get; set; } = 5;

    /// <summary>
    /// Access tokens whose signature and lifetime were checked, remembered by hash until they expire, at most this many
    /// (each about 2 KiB); the session or staff check still runs on every request. 0 checks every token in full. Default 10,000.
    /// </summary>
    [Range(0, 1_000_000)] public int ValidatedTokenCacheEntries { get; set; } = 10_000;

    public SymmetricSecurityKey Key() => new(Convert.FromBase64String(SigningKey));
}

/// <summary>An officer or operator, for now a service account in configuration. Section <c>ServiceAccounts:&lt;id&gt;</c>.</summary>
public sealed class ServiceAccount
{
    /// <summary><c>officer</c> or <c>operator</c>.</summary>
    public string Role { get; set; } = "";

    /// <summary>ASP.NET Core Identity hash of the secret (<c>vneid-silo hash-secret</c> prints one).</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>For officers: the code of the one office they work at (their tokens carry it).</summary>
    public string? Office { get; set; }

    /// <summary>The second factor's key (base32, ≥ 20 bytes), enrolled in the officer's or operator's authenticator app.</summary>
    public string? TotpSecret { get; set; }
}

public static class Roles
{
    public const string Citizen = "citizen";
    public const string Officer = "officer";
    public const string Operator = "operator";
}

public static class Policies
{
    public const string Citizen = "citizen";
    public const string Staff = "staff";
    public const string Operator = "operator";
    public const string Officer = "officer";
    public const string AnyAuthenticated = "any";
}
