using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>Sign in with VNeID over real HTTP, without a browser: the protocol's main path and the level check.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OidcFlowTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_citizen_signs_in_consents_and_the_relying_party_gets_a_level_one_id_token_once()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "true" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        // Not signed in: to the sign-in page, and back after the password.
        var first = await rp.Browser.GetAsync(rp.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith("/signin", first.Headers.Location!.OriginalString);
        Assert.Contains("Số định danh cá nhân", await rp.Browser.GetStringAsync(first.Headers.Location));
        var consentPage = await rp.SignInAsync(first.Headers.Location, citizen.IdNumber, PlatformApi.Password);

        // The consent page names the relying party; accepting sends the code back with the state.
        var (back, consent) = await rp.ConsentAsync(consentPage);
        Assert.Contains("Cổng dịch vụ công (thử)", consent);
        Assert.StartsWith(RelyingPartyClient.Redirect, back.AbsoluteUri);
        var answer = RelyingPartyClient.Query(back);
        Assert.Equal("st-1", answer["state"]);

        var (wrongStatus, wrong) = await rp.TokenAsync(rp.Exchange(answer["code"], verifier: "x"));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (wrongStatus, wrong.GetProperty("error").GetString()));

        var (status, issued) = await rp.TokenAsync(rp.Exchange(answer["code"]));
        Assert.Equal(HttpStatusCode.OK, status);
        var payload = RelyingPartyClient.Payload(issued.GetProperty("id_token").GetString()!);
        Assert.Equal("urn:vneid:level1", payload.GetProperty("acr").GetString());
        Assert.Equal("nonce-1", payload.GetProperty("nonce").GetString());
        Assert.Equal(citizen.FullName, payload.GetProperty("name").GetString());
        Assert.NotEqual(citizen.IdNumber, payload.GetProperty("sub").GetString()); // a pairwise subject for this client
        Assert.Contains("pwd", payload.GetProperty("amr").ToString());

        // Userinfo answers the access token with the claims its scopes allow.
        var accessToken = issued.GetProperty("access_token").GetString()!;
        using var userInfoRequest = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        userInfoRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        var userInfo = await (await cluster.Http.SendAsync(userInfoRequest)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((citizen.FullName, 1), (userInfo.GetProperty("name").GetString(), userInfo.GetProperty("vneid_level").GetInt32()));
        Assert.False(userInfo.TryGetProperty("phone_number", out _)); // the phone scope was not asked for

        // The refresh token works while the citizen's session does; locking the account stops it at once.
        var refresh = rp.Refresh(issued.GetProperty("refresh_token").GetString()!);
        var (refreshedStatus, refreshed) = await rp.TokenAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, refreshedStatus);
        refresh["refresh_token"] = refreshed.GetProperty("refresh_token").GetString()!;

        var login = await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>();
        using var lockRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock") { Content = JsonContent.Create(new { reason = "lost phone" }) };
        lockRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.SendAsync(lockRequest)).StatusCode);
        var (afterLockStatus, afterLock) = await rp.TokenAsync(refresh);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (afterLockStatus, afterLock.GetProperty("error").GetString()));

        // The provider's own sign-in ended with the lock too, and logging out there clears it: the password again.
        var logoutPage = await rp.Browser.GetStringAsync($"/connect/logout?client_id={rp.ClientId}");
        var logoutForm = RelyingPartyClient.Hidden(logoutPage);
        logoutForm["__RequestVerificationToken"] = RelyingPartyClient.AntiforgeryToken(logoutPage);
        logoutForm["decision"] = "logout";
        var logout = await rp.Browser.PostAsync("/connect/logout", new FormUrlEncodedContent(logoutForm));
        Assert.True(logout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, logout.StatusCode.ToString());
        var again = await rp.Browser.GetAsync(rp.AuthorizeUrl());
        Assert.StartsWith("/signin", again.Headers.Location!.OriginalString);

        // A code works once.
        var (reusedStatus, reused) = await rp.TokenAsync(rp.Exchange(answer["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (reusedStatus, reused.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_level_one_citizen_never_gets_a_level_two_token_and_an_unregistered_redirect_is_never_followed()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "true" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        var unregistered = await rp.Browser.GetAsync(rp.AuthorizeUrl("openid profile", redirect: "http://evil.example/cb"));
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
        var plain = await rp.Browser.GetAsync(rp.AuthorizeUrl("openid profile").Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        Assert.NotEqual(HttpStatusCode.OK, plain.StatusCode);
        Assert.DoesNotContain("code=", plain.Headers.Location?.Query ?? "");

        var first = await rp.Browser.GetAsync(rp.AuthorizeUrl("openid profile", "&acr_values=urn:vneid:level2"));
        var explained = await rp.Browser.GetAsync(await rp.SignInAsync(first.Headers.Location!, citizen.IdNumber, PlatformApi.Password));
        var page = await explained.Content.ReadAsStringAsync();
        Assert.Contains("mức độ 2", page);
        Assert.Contains("Công an", page);
        var form = RelyingPartyClient.Hidden(page);
        form["__RequestVerificationToken"] = RelyingPartyClient.AntiforgeryToken(page);
        var back = await rp.Browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var answer = RelyingPartyClient.Query(back.Headers.Location!);
        Assert.Equal(("access_denied", "st-1"), (answer["error"], answer["state"]));
        Assert.False(answer.ContainsKey("code"));
    }
}
