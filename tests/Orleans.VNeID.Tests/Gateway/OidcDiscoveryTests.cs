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
        Assert.Equal(["RS256"], Strings(discovery, "id_token_signing_alg_values_supported"));
        Assert.Contains("vneid_level", Strings(discovery, "scopes_supported"));
        Assert.True(discovery.GetProperty("claims_parameter_supported").GetBoolean());
        Assert.True(discovery.GetProperty("verified_claims_supported").GetBoolean());
        Assert.Equal(["vn_decree_59_2022"], Strings(discovery, "trust_frameworks_supported"));
        Assert.Equal(["document", "electronic_record"], Strings(discovery, "evidence_supported"));
        Assert.Equal(["name", "birthdate", "gender"], Strings(discovery, "claims_in_verified_claims_supported"));

        var jwks = await http.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal(("RSA", "RS256", "sig"), (key.GetProperty("kty").GetString(), key.GetProperty("alg").GetString(), key.GetProperty("use").GetString()));
        Assert.False(key.TryGetProperty("d", out _)); // the public half only
    }

    [Fact]
    public async Task A_rotated_key_signs_new_tokens_while_the_previous_one_stays_in_the_key_set()
    {
        using var current = System.Security.Cryptography.RSA.Create(2048);
        using var previous = System.Security.Cryptography.RSA.Create(2048);
        static string Kid(System.Security.Cryptography.RSA rsa) =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string>
        {
            ["Oidc:Enabled"] = "true",
            ["Oidc:SigningKey"] = current.ExportRSAPrivateKeyPem(),
            ["Oidc:PreviousSigningKeys:0"] = previous.ExportRSAPrivateKeyPem(),
        });
        var jwks = await gateway.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        Assert.Equal(new[] { Kid(current), Kid(previous) }.Order(), jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order());
        var server = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>().CurrentValue;
        Assert.Equal(Kid(current), server.SigningCredentials[0].Key.KeyId);
    }

    [Fact]
    public async Task Discovery_is_not_served_while_the_provider_is_off()
    {
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "false" });
        var http = gateway.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/.well-known/openid-configuration")).StatusCode);
    }
}
