using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>Sign in with VNeID over real HTTP, without a browser (issue 11, in progress): the protocol's main path and its refusals.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OidcFlowTests(PlatformFixture platform)
{
    private const string Redirect = "http://127.0.0.1:9/signin-oidc";

    private static async Task<(string ClientId, string Secret)> RegisterAsync()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOidcStore(PlatformFixture.OwnerConnectionString);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var clientId = $"portal-{Guid.NewGuid():N}";
        var secret = await scope.ServiceProvider.GetRequiredService<RelyingParties>().AddAsync(new RelyingParty(clientId, "Cổng dịch vụ công (thử)",
            true, [Redirect], [], ["profile", "vneid_level", "offline_access"], 1, null, false));
        return (clientId, secret!);
    }

    private static string Token(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    private static Dictionary<string, string> Hidden(string html) =>
        Regex.Matches(html, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    private static Dictionary<string, string> Query(Uri uri) =>
        System.Web.HttpUtility.ParseQueryString(uri.Query).AllKeys.ToDictionary(k => k!, k => System.Web.HttpUtility.ParseQueryString(uri.Query)[k]!);

    [Fact]
    public async Task A_citizen_signs_in_consents_and_the_relying_party_gets_a_level_one_id_token_once()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "true" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        var (clientId, secret) = await RegisterAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = new Uri(cluster.GatewayUrl) };

        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        string Authorize(string extra = "") => $"/connect/authorize?client_id={clientId}&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code" +
                                               $"&scope=openid%20profile%20vneid_level%20offline_access&state=st-1&nonce=nonce-1&code_challenge={challenge}&code_challenge_method=S256{extra}";

        // Not signed in: to the sign-in page, and back after the password.
        var first = await browser.GetAsync(Authorize());
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith("/signin", first.Headers.Location!.OriginalString);
        var signInPage = await browser.GetStringAsync(first.Headers.Location);
        Assert.Contains("Số định danh cá nhân", signInPage);
        var signedIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(signInPage), ["returnUrl"] = Hidden(signInPage)["returnUrl"],
            ["idNumber"] = citizen.IdNumber, ["password"] = PlatformApi.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // The consent page names the relying party; accepting sends the code back with the state.
        var consent = await browser.GetStringAsync(signedIn.Headers.Location);
        Assert.Contains("Cổng dịch vụ công (thử)", consent);
        var form = Hidden(consent);
        form["__RequestVerificationToken"] = Token(consent);
        form["decision"] = "accept";
        var back = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith(Redirect, back.Headers.Location!.AbsoluteUri);
        var answer = Query(back.Headers.Location);
        Assert.Equal("st-1", answer["state"]);

        var exchange = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = answer["code"], ["redirect_uri"] = Redirect,
            ["client_id"] = clientId, ["client_secret"] = secret, ["code_verifier"] = verifier,
        };
        var wrongVerifier = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(exchange.Append(new("code_verifier", "x")).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)));
        Assert.Equal(HttpStatusCode.BadRequest, wrongVerifier.StatusCode);
        Assert.Equal("invalid_grant", (await wrongVerifier.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        var tokens = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(exchange));
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        var issued = await tokens.Content.ReadFromJsonAsync<JsonElement>();
        var idToken = issued.GetProperty("id_token").GetString()!;
        using var claims = JsonDocument.Parse(Base64UrlEncoder.Decode(idToken.Split('.')[1]));
        var payload = claims.RootElement;
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
        var refresh = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = issued.GetProperty("refresh_token").GetString()!,
            ["client_id"] = clientId, ["client_secret"] = secret,
        };
        var refreshed = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(refresh));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        refresh["refresh_token"] = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        var login = await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>();
        using var lockRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock") { Content = JsonContent.Create(new { reason = "lost phone" }) };
        lockRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.SendAsync(lockRequest)).StatusCode);
        var afterLock = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(refresh));
        Assert.Equal(HttpStatusCode.BadRequest, afterLock.StatusCode);
        Assert.Equal("invalid_grant", (await afterLock.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // The provider's own sign-in ended with the lock too, and logging out there clears it: the password again.
        var logout = await browser.GetAsync($"/connect/logout?client_id={clientId}");
        Assert.True(logout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, logout.StatusCode.ToString());
        var again = await browser.GetAsync(Authorize());
        Assert.StartsWith("/signin", again.Headers.Location!.OriginalString);

        // A code works once.
        var reused = await cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(exchange));
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_grant", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_level_one_citizen_never_gets_a_level_two_token_and_an_unregistered_redirect_is_never_followed()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Oidc:Enabled"] = "true" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        var (clientId, _) = await RegisterAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = new Uri(cluster.GatewayUrl) };
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes("verifier-verifier-verifier-verifier-verifier")));
        string Authorize(string redirect, string extra = "") => $"/connect/authorize?client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirect)}" +
            $"&response_type=code&scope=openid%20profile&state=st-2&nonce=n-2&code_challenge={challenge}&code_challenge_method=S256{extra}";

        var unregistered = await browser.GetAsync(Authorize("http://evil.example/cb"));
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Null(unregistered.Headers.Location);
        var plain = await browser.GetAsync(Authorize(Redirect).Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        Assert.NotEqual(HttpStatusCode.OK, plain.StatusCode);
        Assert.DoesNotContain("code=", plain.Headers.Location?.Query ?? "");

        var first = await browser.GetAsync(Authorize(Redirect, "&acr_values=urn:vneid:level2"));
        var signInPage = await browser.GetStringAsync(first.Headers.Location);
        var signedIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(signInPage), ["returnUrl"] = Hidden(signInPage)["returnUrl"],
            ["idNumber"] = citizen.IdNumber, ["password"] = PlatformApi.Password,
        }));
        var explained = await browser.GetAsync(signedIn.Headers.Location);
        var page = await explained.Content.ReadAsStringAsync();
        Assert.Contains("mức độ 2", page);
        Assert.Contains("Công an", page);
        var form = Hidden(page);
        form["__RequestVerificationToken"] = Token(page);
        var back = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var answer = Query(back.Headers.Location!);
        Assert.Equal(("access_denied", "st-2"), (answer["error"], answer["state"]));
        Assert.False(answer.ContainsKey("code"));
    }
}
