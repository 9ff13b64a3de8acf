using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>The OpenID Connect provider's discovery document and keys.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OidcDiscoveryTests(ClusterFixture fixture)
{
    private static string[] Strings(JsonElement document, string name) =>
        document.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Discovery_shows_code_flow_with_S256_only_both_levels_an_RS256_key_set_and_back_channel_logout()
    {
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "true" });
        var http = gateway.CreateClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(["code"], Strings(discovery, "response_types_supported"));
        Assert.Equal(["authorization_code", "refresh_token"], Strings(discovery, "grant_types_supported").Order());
        Assert.Equal(["S256"], Strings(discovery, "code_challenge_methods_supported"));
        Assert.Equal(["urn:vneid:level1", "urn:vneid:level2"], Strings(discovery, "acr_values_supported"));
        Assert.True(discovery.GetProperty("backchannel_logout_supported").GetBoolean());
        // RS256 by default; ES256 for the FAPI 2.0 relying parties.
        Assert.Equal(["ES256", "RS256"], Strings(discovery, "id_token_signing_alg_values_supported").Order());
        Assert.Equal(["ES256", "PS256"], Strings(discovery, "dpop_signing_alg_values_supported"));
        Assert.True(discovery.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Contains("private_key_jwt", Strings(discovery, "token_endpoint_auth_methods_supported"));
        Assert.EndsWith("/connect/par", discovery.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.Contains("vneid_level", Strings(discovery, "scopes_supported"));
        Assert.True(discovery.GetProperty("claims_parameter_supported").GetBoolean());
        Assert.True(discovery.GetProperty("verified_claims_supported").GetBoolean());
        Assert.Equal(["vn_decree_59_2022"], Strings(discovery, "trust_frameworks_supported"));
        Assert.Equal(["document", "electronic_record"], Strings(discovery, "evidence_supported"));
        Assert.Equal(["name", "birthdate", "gender"], Strings(discovery, "claims_in_verified_claims_supported"));

        var jwks = await http.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        var keys = jwks.GetProperty("keys").EnumerateArray().ToArray();
        Assert.Equal(2, keys.Length);
        var key = keys.Single(k => k.GetProperty("kty").GetString() == "RSA");
        Assert.Equal(("RS256", "sig"), (key.GetProperty("alg").GetString(), key.GetProperty("use").GetString()));
        var ec = keys.Single(k => k.GetProperty("kty").GetString() == "EC");
        Assert.Equal(("ES256", "P-256"), (ec.GetProperty("alg").GetString(), ec.GetProperty("crv").GetString()));
        Assert.All(keys, k => Assert.False(k.TryGetProperty("d", out _))); // the public halves only
    }

    [Fact]
    public async Task A_rotated_key_signs_new_tokens_while_the_previous_one_stays_in_the_key_set()
    {
        using var current = System.Security.Cryptography.RSA.Create(2048);
        using var previous = System.Security.Cryptography.RSA.Create(2048);
        using var currentEc = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var previousEc = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        static string EcKid(System.Security.Cryptography.ECDsa ec) =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ec.ExportSubjectPublicKeyInfo()))[..16];
        static string Kid(System.Security.Cryptography.RSA rsa) =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string>
        {
            ["Oidc:Enabled"] = "true",
            ["Oidc:SigningKey"] = current.ExportRSAPrivateKeyPem(),
            ["Oidc:PreviousSigningKeys:0"] = previous.ExportRSAPrivateKeyPem(),
            ["Oidc:FapiSigningKey"] = currentEc.ExportECPrivateKeyPem(),
            ["Oidc:PreviousFapiSigningKeys:0"] = previousEc.ExportECPrivateKeyPem(),
        });
        var jwks = await gateway.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        // The FAPI key too: both published, the current one first among the ES256 credentials (it signs).
        Assert.Equal(new[] { EcKid(currentEc), EcKid(previousEc) }.Order(), jwks.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("kty").GetString() == "EC").Select(k => k.GetProperty("kid").GetString()!).Order());
        Assert.Equal(new[] { Kid(current), Kid(previous) }.Order(), jwks.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("kty").GetString() == "RSA").Select(k => k.GetProperty("kid").GetString()!).Order());
        var server = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>().CurrentValue;
        Assert.Equal(Kid(current), server.SigningCredentials[0].Key.KeyId);
        Assert.Equal(EcKid(currentEc), server.SigningCredentials.First(c => c.Algorithm == "ES256").Key.KeyId);
    }

    [Fact]
    public async Task Discovery_is_not_served_while_the_provider_is_off()
    {
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "false" });
        var http = gateway.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/.well-known/openid-configuration")).StatusCode);
    }
}
