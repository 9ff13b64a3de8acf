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

/// <summary>
/// A relying party and a citizen's browser over plain HTTP (no script): registers a client, walks the provider's pages
/// (sign-in, code, consent) by their forms, and exchanges codes. For the protocol tests.
/// </summary>
public sealed class RelyingPartyClient : IDisposable
{
    public const string Redirect = "http://127.0.0.1:9/signin-oidc";

    private readonly PlatformCluster _cluster;

    private RelyingPartyClient(PlatformCluster cluster, string clientId, string secret)
    {
        _cluster = cluster;
        ClientId = clientId;
        Secret = secret;
        Browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = new Uri(cluster.GatewayUrl) };
    }

    public string ClientId { get; }
    public string Secret { get; }
    public HttpClient Browser { get; }
    public string Verifier { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static async Task<RelyingPartyClient> RegisterAsync(PlatformCluster cluster, string? backchannelUri = null, string[]? scopes = null,
        bool confidential = true, string? securityEventsUri = null)
    {
        var clientId = $"rp-{Guid.NewGuid():N}"[..20];
        var secret = await AddAsync(new RelyingParty(clientId, "Cổng dịch vụ công (thử)",
            confidential, [Redirect], [], scopes ?? ["profile", "vneid_level", "offline_access"], 1, backchannelUri, false, securityEventsUri));
        return new RelyingPartyClient(cluster, clientId, secret ?? "");
    }

    /// <summary>Registers a relying party in the test database's store (as <c>vneid-silo clients add</c> does); its secret, if any.</summary>
    public static async Task<string?> AddAsync(RelyingParty party)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOidcStore(PlatformFixture.OwnerConnectionString, development: true);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RelyingParties>().AddAsync(party);
    }

    public string AuthorizeUrl(string scope = "openid profile vneid_level offline_access", string extra = "", string redirect = Redirect) =>
        $"/connect/authorize?client_id={ClientId}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
        $"&state=st-1&nonce=nonce-1&code_challenge={Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)))}&code_challenge_method=S256{extra}";

    public static string AntiforgeryToken(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

    public static Dictionary<string, string> Hidden(string html) =>
        Regex.Matches(html, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"\\s*/?>").ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    public static Dictionary<string, string> Query(Uri uri)
    {
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return query.AllKeys.ToDictionary(k => k!, k => query[k]!);
    }

    /// <summary>Signs in with the password on the page the authorize request led to; returns where the browser goes next.</summary>
    public async Task<Uri> SignInAsync(Uri signInPage, string idNumber, string password)
    {
        var page = await Browser.GetStringAsync(signInPage);
        var signedIn = await Browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page), ["returnUrl"] = Hidden(page)["returnUrl"], ["idNumber"] = idNumber, ["password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.Location!;
    }

    /// <summary>Enters the code on the code page; returns where the browser goes next.</summary>
    public async Task<Uri> EnterCodeAsync(Uri codePage, string code)
    {
        var page = await Browser.GetStringAsync(codePage);
        var form = Hidden(page);
        form["__RequestVerificationToken"] = AntiforgeryToken(page);
        form["code"] = code;
        form["action"] = "confirm";
        var confirmed = await Browser.PostAsync("/signin/code", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        return confirmed.Headers.Location!;
    }

    /// <summary>Accepts on the consent page; returns the redirect to the relying party and the page's text.</summary>
    public async Task<(Uri Back, string ConsentPage)> ConsentAsync(Uri consentPage)
    {
        var page = await Browser.GetStringAsync(consentPage);
        var form = Hidden(page);
        form["__RequestVerificationToken"] = AntiforgeryToken(page);
        form["decision"] = "accept";
        var back = await Browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return (back.Headers.Location!, page);
    }

    /// <summary>A level-1 citizen's whole way to an authorization code: authorize, sign in, consent.</summary>
    public async Task<string> CodeForAsync(string idNumber, string password, string? authorize = null)
    {
        var url = authorize ?? AuthorizeUrl();
        var first = await Browser.GetAsync(url);
        // Already signed in at the provider: the consent page at once, or the code at once when the consent is remembered.
        if (first.Headers.Location is { IsAbsoluteUri: true } direct && direct.AbsoluteUri.StartsWith(Redirect, StringComparison.Ordinal))
            return Query(direct)["code"];
        var next = first.Headers.Location ?? new Uri(url, UriKind.Relative);
        if (next.OriginalString.StartsWith("/signin", StringComparison.Ordinal))
        {
            next = await SignInAsync(next, idNumber, password);
            var afterSignIn = await Browser.GetAsync(next);
            if (afterSignIn.Headers.Location is { IsAbsoluteUri: true } remembered && remembered.AbsoluteUri.StartsWith(Redirect, StringComparison.Ordinal))
                return Query(remembered)["code"];
        }
        var (back, _) = await ConsentAsync(next);
        return Query(back)["code"];
    }

    public Dictionary<string, string> Exchange(string code, string? verifier = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Redirect,
            ["client_id"] = ClientId, ["code_verifier"] = verifier ?? Verifier,
        };
        if (Secret.Length > 0) form["client_secret"] = Secret;
        return form;
    }

    public Dictionary<string, string> Refresh(string refreshToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = ClientId };
        if (Secret.Length > 0) form["client_secret"] = Secret;
        return form;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
    {
        var response = await _cluster.Http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static JsonElement Payload(string jwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement.Clone();

    public void Dispose() => Browser.Dispose();
}
