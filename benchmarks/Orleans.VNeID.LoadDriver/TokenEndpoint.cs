using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orleans.VNeID.LoadDriver;

public sealed record TokenFigures(Rate Exchanges, double RawSignaturesPerSecond, int KeyBits, int Concurrency, int Citizens);

/// <summary>
/// The OpenID Connect token endpoint: authorization codes exchanged per second by the sample portal's client (each exchange
/// checks the client secret and PKCE, redeems the code, checks the citizen's session with the account grain, and signs an
/// ID token and an access token), beside the raw RS256 signing rate of the same key in the same run.
/// </summary>
public static partial class TokenEndpoint
{
    private const string Redirect = "http://localhost:8081/signin-oidc";
    private const string ClientId = "public-service-portal";

    public static async Task<TokenFigures> RunAsync(Platform platform, string gateway, string secretFile, string signingKeyFile, int codes,
        int concurrency, int citizens)
    {
        var flow = await PortalFlow.ReadAsync(secretFile);
        var authorize = flow.Authorize;

        // Codes first (a browser's sign-in and consent per citizen, then consent again for each further code); they live a
        // minute, so each round prepares what it then exchanges. A warm-up round comes first.
        var ids = await platform.PrepareActivatedAsync(citizens, 8);
        var browsers = ids.Select(id => (Id: id, Http: Browser(gateway))).ToList();
        await Task.WhenAll(browsers.Select(b => SignInAsync(b.Http, b.Id, authorize)));
        using var client = Load.Client(gateway, concurrency);
        Task<bool> Exchange(string code) => flow.ExchangeAsync(client, code);
        await Load.RunAsync(await CodesAsync(browsers, authorize, Math.Min(codes, 500)), concurrency, Exchange);
        var measured = await Load.RunAsync(await CodesAsync(browsers, authorize, codes), concurrency, Exchange);
        foreach (var (_, http) in browsers) http.Dispose();

        // The ceiling: RS256 signatures with the same key, on every core, over an ID token's size.
        using var rsa = RSA.Create();
        rsa.ImportFromPem(await File.ReadAllTextAsync(signingKeyFile));
        var payload = Encoding.UTF8.GetBytes(new string('x', 900));
        long signed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                rsa.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                Interlocked.Increment(ref signed);
            }
        })));
        var raw = signed / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  token endpoint: {measured.PerSecond:N0} codes exchanged/s (p99 {measured.P99Ms} ms, {measured.Failures} failures); " +
                          $"raw RS256 {raw:N0} signatures/s");
        return new TokenFigures(measured, raw, rsa.KeySize, concurrency, citizens);
    }

    /// <summary>
    /// Full code-flow sign-ins (issue 32): each one a new browser that opens the portal's authorization request, is sent to
    /// the provider's sign-in page, signs in with the citizen's password (one PBKDF2 verification at the configured cost),
    /// comes back to the authorization endpoint, where the consent is remembered (given once per citizen before the run),
    /// and the portal exchanges the code at the token endpoint. Beside the raw hash rate of all cores at the same cost,
    /// measured in the same run.
    /// </summary>
    public static async Task<SignInFigures> SignInsAsync(Platform platform, string gateway, string secretFile, int count, int concurrency,
        int citizens, int iterations)
    {
        var flow = await PortalFlow.ReadAsync(secretFile);
        var authorize = flow.Authorize;
        var ids = await platform.PrepareActivatedAsync(citizens, 8);
        // Consent given once per citizen: the measured sign-ins find it remembered.
        var first = ids.Select(id => (Id: id, Http: Browser(gateway))).ToList();
        await Task.WhenAll(first.Select(b => SignInAsync(b.Http, b.Id, authorize)));
        await CodesAsync(first, authorize, first.Count);
        foreach (var (_, http) in first) http.Dispose();

        using var client = Load.Client(gateway, concurrency);
        async Task<bool> SignIn(string idNumber)
        {
            using var browser = Browser(gateway);
            await SignInAsync(browser, idNumber, authorize);
            using var back = await browser.GetAsync(authorize);
            var code = System.Web.HttpUtility.ParseQueryString(back.Headers.Location?.Query ?? "")["code"];
            if (code is null) return false;
            return await flow.ExchangeAsync(client, code);
        }
        List<string> Round(int n) => Enumerable.Range(0, n).Select(i => ids[i % ids.Count]).ToList();
        await Load.RunAsync(Round(Math.Min(count / 4, 100)), concurrency, SignIn);
        var cpuBefore = CpuMeter.Read();
        var measured = await Load.RunAsync(Round(count), concurrency, SignIn);
        var cpu = CpuMeter.PerOperation(cpuBefore, CpuMeter.Read(), measured.Requests - measured.Failures);
        var raw = Scenarios.RawHashRate(iterations, TimeSpan.FromSeconds(4));
        Console.WriteLine($"  sign-ins: {measured.PerSecond:N1}/s ({measured.PerSecond / Environment.ProcessorCount:N1} per core; p99 {measured.P99Ms} ms, " +
                          $"{measured.Failures} failures); raw PBKDF2 at {iterations:N0} iterations {raw:N1}/s on {Environment.ProcessorCount} cores");
        return new SignInFigures(measured, raw, iterations, Environment.ProcessorCount, concurrency, citizens, cpu);
    }

    /// <summary>The sample portal's authorization request (PKCE S256) and its code exchange with the client secret.</summary>
    private sealed record PortalFlow(string Secret, string Verifier, string Authorize)
    {
        public static async Task<PortalFlow> ReadAsync(string secretFile)
        {
            var secret = (await File.ReadAllTextAsync(secretFile)).Trim();
            var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return new PortalFlow(secret, verifier,
                $"/connect/authorize?client_id={ClientId}&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code" +
                $"&scope=openid%20profile%20vneid_level&nonce=n&state=s&code_challenge={challenge}&code_challenge_method=S256");
        }

        public async Task<bool> ExchangeAsync(HttpClient client, string code)
        {
            using var answer = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Redirect,
                ["client_id"] = ClientId, ["client_secret"] = Secret, ["code_verifier"] = Verifier,
            }));
            return answer.StatusCode == HttpStatusCode.OK;
        }
    }

    private static HttpClient Browser(string gateway) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(gateway) };

    private static async Task SignInAsync(HttpClient browser, string idNumber, string authorize)
    {
        using var first = await browser.GetAsync(authorize);
        var page = await browser.GetStringAsync(first.Headers.Location);
        using var signedIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Antiforgery(page), ["returnUrl"] = Hidden(page)["returnUrl"],
            ["idNumber"] = idNumber, ["password"] = Platform.BenchPassword,
        }));
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"The provider's sign-in of {idNumber} failed.");
    }

    /// <summary>Authorizes again and again (consenting the first time), spread over the signed-in browsers, until <paramref name="count"/> codes are held.</summary>
    private static async Task<List<string>> CodesAsync(List<(string Id, HttpClient Http)> browsers, string authorize, int count)
    {
        var codes = new System.Collections.Concurrent.ConcurrentBag<string>();
        var perBrowser = (count + browsers.Count - 1) / browsers.Count;
        await Task.WhenAll(browsers.Select(async b =>
        {
            for (var i = 0; i < perBrowser; i++)
            {
                // The consent page the first time; once the consent is remembered, the code at once.
                using var asked = await b.Http.GetAsync(authorize);
                var code = System.Web.HttpUtility.ParseQueryString(asked.Headers.Location?.Query ?? "")["code"];
                if (code is null)
                {
                    var page = await asked.Content.ReadAsStringAsync();
                    var form = Hidden(page);
                    form["__RequestVerificationToken"] = Antiforgery(page);
                    form["decision"] = "accept";
                    using var back = await b.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
                    code = System.Web.HttpUtility.ParseQueryString(back.Headers.Location?.Query ?? "")["code"];
                }
                codes.Add(code ?? throw new InvalidOperationException("Consent gave no code."));
            }
        }));
        return codes.Take(count).ToList();
    }

    private static string Antiforgery(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    private static Dictionary<string, string> Hidden(string html) =>
        HiddenField().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\" ?/?>")]
    private static partial Regex HiddenField();
}
