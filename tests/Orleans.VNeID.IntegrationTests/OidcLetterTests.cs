using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using static Orleans.VNeID.IntegrationTests.RelyingPartyClient;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 27, OpenID Connect to the letter over real HTTP: refresh tokens refused once replaced (and the chain revoked on
/// replay), prompt and max_age, claims and refresh tokens only within the registration, access tokens for userinfo only
/// and only while the session lives, logout asked of the citizen, and bad bytes refused without harm.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OidcLetterTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_replayed_refresh_token_is_refused_at_once_and_revokes_the_chain_and_userinfo_ends_with_the_session()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        var (_, issued) = await rp.TokenAsync(rp.Exchange(await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));
        var first = issued.GetProperty("refresh_token").GetString()!;
        var (refreshedStatus, refreshed) = await rp.TokenAsync(rp.Refresh(first));
        Assert.Equal(HttpStatusCode.OK, refreshedStatus);
        var second = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        // The replaced token, replayed at once: refused, and what it gave is revoked too (the thief and the client both stop).
        var (replayStatus, replay) = await rp.TokenAsync(rp.Refresh(first));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (replayStatus, replay.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(rp.Refresh(second))).Status);

        // Access tokens: for the userinfo endpoint only, with nothing personal in them.
        var (_, again) = await rp.TokenAsync(rp.Exchange(await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));
        var accessToken = again.GetProperty("access_token").GetString()!;
        var claims = Payload(accessToken);
        Assert.Equal(cluster.GatewayUrl + "/connect/userinfo", claims.GetProperty("aud").ValueKind == JsonValueKind.Array
            ? claims.GetProperty("aud")[0].GetString() : claims.GetProperty("aud").GetString());
        foreach (var personal in new[] { "name", "birthdate", "gender", "vneid_level", "verified_claims", "amr" })
            Assert.False(claims.TryGetProperty(personal, out _), personal);
        Assert.DoesNotContain(citizen.IdNumber, accessToken + System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(accessToken.Split('.')[1])));
        var info = await OidcProtocolTests.UserInfoAsync(cluster, accessToken);
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal(citizen.FullName, (await info.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        // "Log out everywhere" ends the session the token hangs on: userinfo refuses it at once.
        var login = await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>();
        using (var everywhere = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions"))
        {
            everywhere.Headers.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
            Assert.Equal(HttpStatusCode.NoContent, (await cluster.Http.SendAsync(everywhere)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await OidcProtocolTests.UserInfoAsync(cluster, accessToken)).StatusCode);

        // A NUL in a form body is refused as bad input; it reaches no database connection, and the next sign-in works.
        var nul = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = rp.ClientId + "\0", ["code"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal("application/problem+json", nul.Content.Headers.ContentType?.MediaType);
        var crlf = await rp.Browser.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString("/connect/authorize?x=1\r\nSet-Cookie: a=b"));
        Assert.Equal(HttpStatusCode.OK, crlf.StatusCode);
        Assert.DoesNotContain("Set-Cookie: a=b", await crlf.Content.ReadAsStringAsync());
        using var next = await RelyingPartyClient.RegisterAsync(cluster);
        Assert.Equal(HttpStatusCode.OK, (await next.TokenAsync(next.Exchange(await next.CodeForAsync(citizen.IdNumber, PlatformApi.Password)))).Status);
    }

    [Fact]
    public async Task Prompt_none_never_shows_a_page_prompt_login_and_max_age_ask_again_and_a_foreign_logout_asks_the_citizen()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        // Not signed in: login_required, back to the relying party, no page.
        var none = await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=none"));
        Assert.Equal(("login_required", "st-1"), Returned(none));

        // Signed in but never consented: consent_required. A level-2 request from a level-1 account: interaction_required.
        var signIn = await rp.Browser.GetAsync(rp.AuthorizeUrl());
        await rp.SignInAsync(signIn.Headers.Location!, citizen.IdNumber, PlatformApi.Password);
        Assert.Equal(("consent_required", "st-1"), Returned(await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=none"))));
        Assert.Equal(("interaction_required", "st-1"),
            Returned(await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=none&acr_values=urn:vneid:level2"))));
        // Once consented, the consent is remembered: prompt=none answers with a code, and so does a plain request, without a
        // page; asking for more (the phone) or prompt=consent shows the consent page again.
        var (consented, _) = await rp.ConsentAsync(new Uri(rp.AuthorizeUrl(), UriKind.Relative));
        Assert.True(Query(consented).ContainsKey("code"));
        var silentCode = await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=none"));
        Assert.StartsWith(Redirect, silentCode.Headers.Location!.AbsoluteUri);
        Assert.True(Query(silentCode.Headers.Location!).ContainsKey("code"));
        Assert.Equal(HttpStatusCode.OK, (await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=consent"))).StatusCode);
        using var growing = await RelyingPartyClient.RegisterAsync(cluster);
        await growing.CodeForAsync(citizen.IdNumber, PlatformApi.Password, growing.AuthorizeUrl("openid vneid_level"));
        Assert.True(Query((await growing.Browser.GetAsync(growing.AuthorizeUrl("openid vneid_level"))).Headers.Location!).ContainsKey("code"));
        Assert.Equal(HttpStatusCode.OK, (await growing.Browser.GetAsync(growing.AuthorizeUrl("openid profile vneid_level"))).StatusCode);

        // prompt=login: the password again, then the consent page (no loop), and a newer auth_time.
        var signedInBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Task.Delay(1100);
        var login = await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&prompt=login"));
        Assert.StartsWith("/signin", login.Headers.Location!.OriginalString);
        var afterLogin = await rp.Browser.GetAsync(await rp.SignInAsync(login.Headers.Location!, citizen.IdNumber, PlatformApi.Password));
        var back = afterLogin.Headers.Location!; // the consent is remembered: straight back with a code
        var (_, issued) = await rp.TokenAsync(rp.Exchange(Query(back)["code"]));
        Assert.True(Payload(issued.GetProperty("id_token").GetString()!).GetProperty("auth_time").GetInt64() >= signedInBefore);

        // max_age: a sign-in older than it is asked again; a fresh one is not.
        await Task.Delay(2100);
        var old = await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&max_age=1"));
        Assert.StartsWith("/signin", old.Headers.Location!.OriginalString);
        Assert.Equal(("login_required", "st-1"), Returned(await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&max_age=1&prompt=none"))));
        var fresh = await rp.Browser.GetAsync(await rp.SignInAsync(old.Headers.Location!, citizen.IdNumber, PlatformApi.Password));
        Assert.True(Query(fresh.Headers.Location!).ContainsKey("code"));
        Assert.True(Query((await rp.Browser.GetAsync(rp.AuthorizeUrl(extra: "&max_age=600"))).Headers.Location!).ContainsKey("code"));

        // A plain GET to logout from any site ends nothing: the citizen is asked; declining keeps the session.
        var foreign = await rp.Browser.GetAsync("/connect/logout");
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        var ask = await foreign.Content.ReadAsStringAsync();
        Assert.Contains("Đăng xuất", ask);
        Assert.True(await StillSignedInAsync(rp));
        var stay = Hidden(ask);
        stay["__RequestVerificationToken"] = AntiforgeryToken(ask);
        stay["decision"] = "stay";
        await rp.Browser.PostAsync("/connect/logout", new FormUrlEncodedContent(stay));
        Assert.True(await StillSignedInAsync(rp));
        // Without the provider's form token, a cross-site POST ends nothing either.
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.Browser.PostAsync("/connect/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "logout" }))).StatusCode);
        Assert.True(await StillSignedInAsync(rp));
    }

    [Fact]
    public async Task Claims_and_refresh_tokens_stay_within_the_registration_and_the_consent_page_names_continued_access()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        // Registered for the level only: the claims parameter cannot pull verified name, birth date or gender, and no
        // refresh token is issued even when offline_access is asked.
        using var narrow = await RelyingPartyClient.RegisterAsync(cluster, scopes: ["vneid_level"]);
        const string claims = """{"id_token":{"verified_claims":{"verification":{"trust_framework":null},"claims":{"name":null,"birthdate":null,"gender":null}}}}""";
        var asked = await narrow.Browser.GetAsync(narrow.AuthorizeUrl("openid vneid_level", $"&claims={Uri.EscapeDataString(claims)}"));
        var consentPage = await narrow.SignInAsync(asked.Headers.Location!, citizen.IdNumber, PlatformApi.Password);
        var (back, page) = await narrow.ConsentAsync(consentPage);
        Assert.DoesNotContain("ngày sinh", page);
        var (_, issued) = await narrow.TokenAsync(narrow.Exchange(Query(back)["code"]));
        var idToken = Payload(issued.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetProperty("verified_claims", out _));
        Assert.False(idToken.TryGetProperty("birthdate", out _));
        Assert.False(issued.TryGetProperty("refresh_token", out _));
        var offline = await narrow.Browser.GetAsync(narrow.AuthorizeUrl("openid vneid_level offline_access"));
        // Asking offline_access without the registration is an error returned to the relying party.
        Assert.Equal(("invalid_request", "st-1"), Returned(offline));

        // Registered for offline_access: the consent page says so, and a refresh token comes.
        using var wide = await RelyingPartyClient.RegisterAsync(cluster);
        var wideAsked = await wide.Browser.GetAsync(wide.AuthorizeUrl());
        var widePage = await wide.SignInAsync(wideAsked.Headers.Location!, citizen.IdNumber, PlatformApi.Password);
        var (wideBack, wideConsent) = await wide.ConsentAsync(widePage);
        Assert.Contains("Duy trì truy cập khi bạn không trực tuyến", wideConsent);
        var (_, wideIssued) = await wide.TokenAsync(wide.Exchange(Query(wideBack)["code"]));
        Assert.True(wideIssued.TryGetProperty("refresh_token", out _));
    }

    /// <summary>Whether the provider still knows the citizen: a request goes straight back with a code, not to the sign-in page.</summary>
    private static async Task<bool> StillSignedInAsync(RelyingPartyClient rp) =>
        (await rp.Browser.GetAsync(rp.AuthorizeUrl())).Headers.Location is { IsAbsoluteUri: true } back && Query(back).ContainsKey("code");

    /// <summary>The error and state an authorization answer sent back to the relying party (never a page).</summary>
    private static (string Error, string State) Returned(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Redirect, response.Headers.Location!.AbsoluteUri);
        var answer = Query(response.Headers.Location!);
        Assert.False(answer.ContainsKey("code"));
        return (answer["error"], answer["state"]);
    }
}
