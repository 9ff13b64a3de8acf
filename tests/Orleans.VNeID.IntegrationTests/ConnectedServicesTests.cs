using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using static Orleans.VNeID.IntegrationTests.RelyingPartyClient;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 28: the services a citizen allowed, listed and withdrawn. Withdrawing stops the service's tokens at once, logs
/// it out by back channel, is in the audit trail, and the next sign-in asks consent again.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConnectedServicesTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_withdrawn_service_loses_its_tokens_is_logged_out_and_must_ask_consent_again()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Oidc:LogoutPollInterval"] = "00:00:00.200", ["Oidc:LogoutRetryMax"] = "00:00:01",
        });
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(2);
        await api.RegisterAndActivateAsync(citizens[0]);
        await api.RegisterAndActivateAsync(citizens[1]);
        var citizen = citizens[0];
        var port = PlatformFixture.FreePort();
        using var rp = await RelyingPartyClient.RegisterAsync(cluster, $"http://127.0.0.1:{port}/backchannel-logout");
        using var other = await RelyingPartyClient.RegisterAsync(cluster);
        var (_, issued) = await rp.TokenAsync(rp.Exchange(await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));
        var (_, kept) = await other.TokenAsync(other.Exchange(await other.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));

        var token = (await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var listed = await SendAsync(cluster, HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/services", token);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var services = await listed.Content.ReadFromJsonAsync<JsonElement>();
        var entry = services.EnumerateArray().Single(s => s.GetProperty("clientId").GetString() == rp.ClientId);
        Assert.Contains("name", entry.GetProperty("receives").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(other.ClientId, services.EnumerateArray().Select(s => s.GetProperty("clientId").GetString()));

        // Nobody else withdraws it.
        var stranger = (await (await api.LogInAsync(citizens[1].IdNumber)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden,
            (await SendAsync(cluster, HttpMethod.Delete, $"/api/v1/accounts/{citizen.IdNumber}/services/{rp.ClientId}", stranger)).StatusCode);

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Assert.Equal(HttpStatusCode.NoContent,
            (await SendAsync(cluster, HttpMethod.Delete, $"/api/v1/accounts/{citizen.IdNumber}/services/{rp.ClientId}", token)).StatusCode);

        // Its tokens stop at once; the other service's do not.
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(rp.Refresh(issued.GetProperty("refresh_token").GetString()!))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OidcProtocolTests.UserInfoAsync(cluster, issued.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.TokenAsync(other.Refresh(kept.GetProperty("refresh_token").GetString()!))).Status);

        // It is logged out by back channel within seconds.
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("/backchannel-logout", context.Request.Url!.AbsolutePath);
        context.Response.StatusCode = 200;
        context.Response.Close();

        // The withdrawal is in the audit trail; the next sign-in there asks consent again; a second withdrawal finds nothing.
        using (var audit = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/audit"))
        {
            audit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await api.OperatorTokenAsync());
            var trail = await (await cluster.Http.SendAsync(audit)).Content.ReadAsStringAsync();
            Assert.Contains("withdrew the consent given to", trail);
            Assert.Contains(rp.ClientId, trail);
        }
        Assert.Equal(HttpStatusCode.OK, (await rp.Browser.GetAsync(rp.AuthorizeUrl())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await SendAsync(cluster, HttpMethod.Delete, $"/api/v1/accounts/{citizen.IdNumber}/services/{rp.ClientId}", token)).StatusCode);
        var after = await (await SendAsync(cluster, HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/services", token)).Content.ReadFromJsonAsync<JsonElement>();
        var remaining = after.EnumerateArray().Select(s => s.GetProperty("clientId").GetString()).ToList();
        Assert.DoesNotContain(rp.ClientId, remaining);
        Assert.Contains(other.ClientId, remaining);
    }

    private static async Task<HttpResponseMessage> SendAsync(PlatformCluster cluster, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await cluster.Http.SendAsync(request);
    }
}
