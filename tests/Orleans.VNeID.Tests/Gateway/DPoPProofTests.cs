using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.IdentityProvider;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Issue 27: the provider's rules for DPoP proofs (RFC 9449 §4.3), each refusal on its own.</summary>
public class DPoPProofTests
{
    private static readonly Uri Token = new("https://id.vneid.example/connect/token");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T08:00:00Z"));
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private sealed class Ledger : IDPoPProofLedger
    {
        private readonly HashSet<string> _seen = [];
        public Task<bool> FirstUseAsync(byte[] proofId, DateTimeOffset expiresAt) => Task.FromResult(_seen.Add(Convert.ToHexString(proofId)));
    }

    private string Proof(string method = "POST", string htu = "https://id.vneid.example/connect/token", TimeSpan? age = null, string? jti = null,
        string? ath = null, string typ = "dpop+jwt", SecurityKey? signer = null, object? jwk = null)
    {
        var issued = _clock.GetUtcNow().UtcDateTime - (age ?? TimeSpan.Zero);
        var claims = new Dictionary<string, object> { ["htm"] = method, ["htu"] = htu, ["jti"] = jti ?? Guid.NewGuid().ToString("N") };
        if (ath is not null) claims["ath"] = ath;
        var publicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_key);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ, IssuedAt = issued, Claims = claims,
            AdditionalHeaderClaims = new Dictionary<string, object>
                { ["jwk"] = jwk ?? new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = publicJwk.X, ["y"] = publicJwk.Y } },
            SigningCredentials = new SigningCredentials(signer ?? _key, signer is SymmetricSecurityKey ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.EcdsaSha256),
        });
    }

    [Fact]
    public async Task A_good_proof_gives_the_keys_thumbprint_once()
    {
        var proofs = new DPoPProofs(_clock, new Ledger());
        var proof = Proof();
        var first = await proofs.CheckAsync(proof, "POST", Token);
        Assert.Null(first.Refusal);
        Assert.Equal(Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_key).ComputeJwkThumbprint()), first.Thumbprint);
        Assert.Contains("used before", (await proofs.CheckAsync(proof, "POST", Token)).Refusal);
    }

    [Fact]
    public async Task Each_broken_rule_is_refused()
    {
        var proofs = new DPoPProofs(_clock, new Ledger());
        Assert.Contains("method", (await proofs.CheckAsync(Proof(method: "GET"), "POST", Token)).Refusal);
        Assert.Contains("URL", (await proofs.CheckAsync(Proof(htu: "https://evil.example/connect/token"), "POST", Token)).Refusal);
        Assert.Contains("too old", (await proofs.CheckAsync(Proof(age: TimeSpan.FromMinutes(2)), "POST", Token)).Refusal);
        Assert.Contains("too old", (await proofs.CheckAsync(Proof(age: TimeSpan.FromMinutes(-1)), "POST", Token)).Refusal);
        Assert.Contains("type", (await proofs.CheckAsync(Proof(typ: "JWT"), "POST", Token)).Refusal);
        Assert.Contains("algorithm", (await proofs.CheckAsync(Proof(signer: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))), "POST", Token)).Refusal);
        // Signed by another key than the one it carries.
        var other = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Assert.Contains("signature", (await proofs.CheckAsync(Proof(signer: other), "POST", Token)).Refusal);
        // A private key in the header is never a proof key.
        var withPrivate = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_key);
        var privateJwk = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = withPrivate.X, ["y"] = withPrivate.Y, ["d"] = "AAAA" };
        Assert.NotNull((await proofs.CheckAsync(Proof(jwk: privateJwk), "POST", Token)).Refusal);
        Assert.NotNull((await proofs.CheckAsync("not-a-jwt", "POST", Token)).Refusal);
        Assert.NotNull((await proofs.CheckAsync(null, "POST", Token)).Refusal);
    }

    [Fact]
    public async Task At_a_resource_the_proof_must_name_the_access_token()
    {
        var proofs = new DPoPProofs(_clock, new Ledger());
        var userinfo = new Uri("https://id.vneid.example/connect/userinfo");
        Assert.Contains("access token", (await proofs.CheckAsync(Proof("GET", userinfo.AbsoluteUri), "GET", userinfo, "token-a")).Refusal);
        Assert.Contains("access token", (await proofs.CheckAsync(Proof("GET", userinfo.AbsoluteUri, ath: DPoPProofs.AccessTokenHash("token-b")), "GET", userinfo, "token-a")).Refusal);
        Assert.Null((await proofs.CheckAsync(Proof("GET", userinfo.AbsoluteUri, ath: DPoPProofs.AccessTokenHash("token-a")), "GET", userinfo, "token-a")).Refusal);
    }
}
