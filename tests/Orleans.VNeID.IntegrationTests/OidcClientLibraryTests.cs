using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 27: the provider driven by a certified relying-party library nobody on the project wrote — panva's
/// <c>openid-client</c> (tests/oidc-client/checks.mjs) — through the code flow, refresh, prompt and max_age, logout, a
/// FAPI 2.0 flow with PAR, private_key_jwt and DPoP, and the negative cases.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OidcClientLibraryTests(PlatformFixture platform)
{
    [Fact]
    public async Task Openid_client_passes_every_check_of_the_code_flow_and_of_FAPI_2_0_with_PAR_private_key_jwt_and_DPoP()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        var oidcId = $"rp-lib-{Guid.NewGuid():N}"[..20];
        var secret = await RelyingPartyClient.AddAsync(new RelyingParty(oidcId, "Cổng thử (openid-client)", true,
            ["http://127.0.0.1:9/cb"], ["http://127.0.0.1:9/after-logout"], ["profile", "offline_access"], 1, null, false));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key) { KeyId = "bank-key-1" });
        var publicJwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = "sig", alg = "ES256" } } });
        var fapiId = $"rp-fapi-{Guid.NewGuid():N}"[..20];
        Assert.Null(await RelyingPartyClient.AddAsync(new RelyingParty(fapiId, "Ngân hàng thử (FAPI 2.0)", true,
            ["http://127.0.0.1:9/bank-cb"], [], ["profile", "offline_access"], 1, null, false, Fapi: true, Jwks: publicJwks)));

        var folder = Path.Combine(PlatformFixture.RepositoryRoot(), "tests", "oidc-client");
        var start = new ProcessStartInfo("node", "checks.mjs") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["VNEID_ISSUER"] = cluster.GatewayUrl + "/";
        start.Environment["VNEID_OIDC_CLIENT"] = JsonSerializer.Serialize(new
            { clientId = oidcId, secret, redirect = "http://127.0.0.1:9/cb", postLogout = "http://127.0.0.1:9/after-logout" });
        start.Environment["VNEID_FAPI_CLIENT"] = JsonSerializer.Serialize(new
        {
            clientId = fapiId, redirect = "http://127.0.0.1:9/bank-cb",
            privateJwk = new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, d = jwk.D, kid = jwk.Kid },
        });
        start.Environment["VNEID_CITIZEN"] = JsonSerializer.Serialize(new { idNumber = citizen.IdNumber, password = PlatformApi.Password });
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var report = await output + await errors;
        Assert.True(node.ExitCode == 0, report);
        Assert.Contains("18 passed, 0 failed", report);
    }
}
