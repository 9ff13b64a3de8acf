using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// OAuth 2.0 Demonstrating Proof of Possession (RFC 9449), checked by the provider: a proof is a JWT of type
/// <c>dpop+jwt</c>, signed (ES256 or PS256) by the public key in its own header, naming this request's method and URL,
/// issued within the last minute, never seen before, and — at userinfo — bound to the access token it comes with. The
/// key's thumbprint (RFC 7638) is what access and refresh tokens are bound to (<c>cnf.jkt</c>). The signature and the
/// thumbprint are Microsoft.IdentityModel's; this class holds the protocol's rules.
/// </summary>
public sealed class DPoPProofs(TimeProvider clock, IDPoPProofLedger ledger)
{
    public const string Header = "DPoP";
    public const string Scheme = "DPoP";
    public const string InvalidProof = "invalid_dpop_proof";

    /// <summary>The algorithms a proof may use (FAPI 2.0: no RS256, no symmetric, no none).</summary>
    public static readonly string[] Algorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(5);

    /// <summary>The outcome: the key's thumbprint, or why the proof is refused.</summary>
    public readonly record struct Verdict(string? Thumbprint, string? Refusal);

    /// <summary>Checks <paramref name="proof"/> for a request of <paramref name="method"/> to <paramref name="url"/> (and the access token, at a resource).</summary>
    public async Task<Verdict> CheckAsync(string? proof, string method, Uri url, string? accessToken = null)
    {
        if (string.IsNullOrEmpty(proof) || proof.Length > 8192) return new(null, "A DPoP proof is needed.");
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(proof);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return new(null, "The DPoP proof is not a JWT.");
        }
        if (token.Typ != "dpop+jwt") return new(null, "The DPoP proof's type is not dpop+jwt.");
        if (!Algorithms.Contains(token.Alg)) return new(null, "The DPoP proof's algorithm is not ES256 or PS256.");
        if (!token.TryGetHeaderValue<JsonElement>("jwk", out var jwkHeader) || jwkHeader.ValueKind != JsonValueKind.Object)
            return new(null, "The DPoP proof carries no public key.");
        JsonWebKey key;
        try
        {
            key = new JsonWebKey(jwkHeader.GetRawText());
        }
        catch (ArgumentException)
        {
            return new(null, "The DPoP proof's key is malformed.");
        }
        if (key.HasPrivateKey || key.D is not null || key.K is not null || key.Kty is not ("EC" or "RSA"))
            return new(null, "The DPoP proof's key is not a public signature key.");

        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key, ValidateIssuerSigningKey = false, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
            RequireExpirationTime = false, RequireSignedTokens = true, ValidTypes = ["dpop+jwt"], ValidAlgorithms = Algorithms,
        });
        if (!validated.IsValid) return new(null, "The DPoP proof's signature does not verify.");

        if (!token.TryGetPayloadValue<string>("htm", out var htm) || htm != method) return new(null, "The DPoP proof names another method.");
        if (!token.TryGetPayloadValue<string>("htu", out var htu) || !Uri.TryCreate(htu, UriKind.Absolute, out var named) || !SameTarget(named, url))
            return new(null, "The DPoP proof names another URL.");
        if (!token.TryGetPayloadValue<long>("iat", out var iat)) return new(null, "The DPoP proof has no issue time.");
        var issued = DateTimeOffset.FromUnixTimeSeconds(iat);
        var now = clock.GetUtcNow();
        if (issued > now + Skew || issued < now - Window) return new(null, "The DPoP proof is too old or from the future.");
        if (!token.TryGetPayloadValue<string>("jti", out var jti) || jti is not { Length: > 0 and <= 256 }) return new(null, "The DPoP proof has no identifier.");
        if (accessToken is not null &&
            (!token.TryGetPayloadValue<string>("ath", out var ath) ||
             !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ath), Encoding.ASCII.GetBytes(AccessTokenHash(accessToken)))))
            return new(null, "The DPoP proof is not bound to this access token.");

        var thumbprint = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        // Each proof once, on every gateway: remembered for as long as it would be accepted.
        var proofId = SHA256.HashData(Encoding.UTF8.GetBytes($"dpop\n{thumbprint}\n{jti}"));
        if (!await ledger.FirstUseAsync(proofId, issued + Window + Skew)) return new(null, "The DPoP proof was used before.");
        return new(thumbprint, null);
    }

    /// <summary>The <c>ath</c> of an access token: base64url of its SHA-256.</summary>
    public static string AccessTokenHash(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>RFC 9449 §4.3: the URL without query and fragment, scheme and host compared without case.</summary>
    private static bool SameTarget(Uri named, Uri actual) =>
        string.Equals(named.GetLeftPart(UriPartial.Path), actual.GetLeftPart(UriPartial.Path), StringComparison.OrdinalIgnoreCase) &&
        named.AbsolutePath == actual.AbsolutePath;
}

/// <summary>Where accepted DPoP proofs are remembered until they expire: false when this one was seen before.</summary>
public interface IDPoPProofLedger
{
    Task<bool> FirstUseAsync(byte[] proofId, DateTimeOffset expiresAt);
}

/// <summary>The ledger in the platform's database (<c>oidc.dpop_proofs</c>), shared by every gateway.</summary>
public sealed class DatabaseProofLedger(NpgsqlDataSource database) : IDPoPProofLedger
{
    public async Task<bool> FirstUseAsync(byte[] proofId, DateTimeOffset expiresAt)
    {
        // One statement: the expired rows go (a few at a time), the new one is recorded unless it is there.
        await using var command = database.CreateCommand(
            "with purged as (delete from oidc.dpop_proofs where proof_hash in " +
            "(select proof_hash from oidc.dpop_proofs where expires_at < now() limit 20)) " +
            "insert into oidc.dpop_proofs (proof_hash, expires_at) values ($1, $2) on conflict do nothing");
        command.Parameters.AddWithValue(proofId);
        command.Parameters.AddWithValue(expiresAt);
        return await command.ExecuteNonQueryAsync() == 1;
    }
}
