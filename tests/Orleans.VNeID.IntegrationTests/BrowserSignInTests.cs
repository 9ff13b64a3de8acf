using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// "Sign in with VNeID" in a real browser: Debian's Chromium driven by Playwright, the sample portal as the relying
/// party, the platform's processes as scripts/up.sh starts them. Screenshots of each step go beside the test results
/// (<c>.local/test-results/browser/</c>).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BrowserSignInTests(PlatformFixture platform)
{
    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => BrowserPages.LaunchAsync(playwright);

    /// <summary>Takes a full-page screenshot of <paramref name="page"/> by name into the results' browser folder.</summary>
    private static Func<string, Task> Screenshots(IPage page)
    {
        var shots = BrowserPages.ScreenshotFolder();
        return name => BrowserPages.ScreenshotAsync(page, Path.Combine(shots, name + ".png"));
    }

    [Fact]
    public async Task A_citizen_signs_in_at_the_portal_with_a_code_is_refused_level_two_and_is_signed_out_there_by_a_lock()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Oidc:LogoutPollInterval"] = "00:00:00.200",
            // The sign-in follows the activation at once: the cooldown between two codes would hold the sign-in code back.
            ["Otp:ResendCooldownSeconds"] = "1",
        });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        var portalUrl = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        var clientId = $"portal-{Guid.NewGuid():N}"[..20];
        var secret = await RegisterPortalAsync(clientId, portalUrl);
        cluster.StartPortal(portalUrl, clientId, secret);
        await BrowserPages.WaitForAsync(portalUrl);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        var shot = Screenshots(page);

        try
        {
            await SignInRefuseAndLockAsync(cluster, api, citizen, page, portalUrl, shot);
        }
        catch
        {
            // What the browser showed when a step failed, beside the results.
            await BrowserPages.TryScreenshotAsync(shot, "failure");
            throw;
        }
    }

    [Fact]
    public async Task An_operator_signs_in_to_the_cluster_dashboard_in_a_browser_and_sees_the_silos()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var shot = Screenshots(page);
        try
        {
            // Without a sign-in the dashboard answers 401 with the operators' sign-in form.
            var first = await page.GotoAsync(cluster.GatewayUrl + "/dashboard/");
            Assert.Equal(401, first!.Status);
            await shot("dashboard-01-sign-in");
            // An officer's right secret is not enough: the dashboard is for operators.
            await page.FillAsync("#clientId", "officer-hn-01");
            await page.FillAsync("#clientSecret", "Officer#Dev2026");
            await page.FillAsync("#code", DemoStaff.Code("officer-hn-01"));
            var officer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
                r => r.Url.EndsWith("/dashboard/sign-in", StringComparison.Ordinal) && r.Request.Method == "POST");
            Assert.Equal(403, officer.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("chỉ dành cho cán bộ vận hành");

            await page.FillAsync("#clientId", "operator-01");
            await page.FillAsync("#clientSecret", "Operator#Dev2026");
            await page.FillAsync("#code", DemoStaff.Code("operator-01"));
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync("**/dashboard/");
            // The dashboard's own pages read the cluster: two active silos, and each by its address on the silos page.
            var wait = new LocatorAssertionsToContainTextOptions { Timeout = 30_000, IgnoreCase = true };
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Active Silos", wait);
            await shot("dashboard-02-overview");
            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Silos", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("127.0.0.1:", wait);
            await shot("dashboard-03-silos");
            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "vneid-dashboard");
            Assert.True(cookie.HttpOnly);
            Assert.Equal("/dashboard", cookie.Path);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
            // The cookie is sent to the dashboard only: the API does not take it.
            using var api = new HttpClient { BaseAddress = new Uri(cluster.GatewayUrl) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/service-accounts/events");
            request.Headers.Add("Cookie", $"vneid-dashboard={cookie.Value}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(request)).StatusCode);
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(shot, "dashboard-failure");
            throw;
        }
    }

    private static async Task SignInRefuseAndLockAsync(PlatformCluster cluster, PlatformApi api, CitizenRecord citizen, IPage page, string portalUrl,
        Func<string, Task> Shot)
    {
        // The portal's level-1 procedure sends the browser to the provider's sign-in page, in Vietnamese.
        await page.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
        await page.GetByLabel("Số định danh cá nhân").WaitForAsync();
        await Shot("01-sign-in");
        // A wrong password first: the answer never says whether the account exists, and the risk rule then asks for a code.
        await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
        await page.GetByLabel("Mật khẩu").FillAsync("Wrong#Pass1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("không đúng", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        var messages = await api.MessageCountAsync(citizen.Phone!);
        await page.GetByLabel("Mật khẩu").FillAsync(PlatformApi.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();

        // The code goes to the phone on record; the Development inbox shows it.
        await page.GetByLabel("Mã xác thực (6 chữ số)").WaitForAsync();
        await Shot("02-code");
        var code = await api.CodeSentToAsync(citizen.Phone!, expectedMessages: messages + 1);
        await page.GetByLabel("Mã xác thực (6 chữ số)").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận" }).ClickAsync();

        // Consent names the portal and exactly what it will receive.
        await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).WaitForAsync();
        var consent = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Cổng dịch vụ công (thử nghiệm trình duyệt)", consent);
        Assert.Contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư", consent);
        await Shot("03-consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();

        // Back at the portal: the citizen's name and level.
        await page.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-1");
        var procedure = await page.Locator("main").InnerTextAsync();
        Assert.Contains(citizen.FullName, procedure);
        Assert.Contains("mức độ 1", procedure);
        await Shot("04-portal-level-1");

        // The claims page shows the verified claims and their evidence apart from the rest.
        await page.GotoAsync($"{portalUrl}/thong-tin");
        var claims = await page.Locator("main").InnerTextAsync();
        Assert.Contains("verified_claims", claims);
        Assert.Contains("vn_decree_59_2022", claims);
        Assert.Contains("electronic_record", claims);
        Assert.Contains(citizen.FullName, await page.Locator("dl.verified").InnerTextAsync());
        await Shot("05-claims");

        // The level-2 procedure: the provider explains in Vietnamese how to reach level 2; the portal gets an error, no token.
        await page.GotoAsync($"{portalUrl}/thu-tuc/muc-2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Quay lại dịch vụ" }).WaitForAsync();
        var explanation = await page.Locator("main").InnerTextAsync();
        Assert.Contains("mức độ 2", explanation);
        Assert.Contains("Công an", explanation);
        await Shot("06-level-2-explained");
        await page.GetByRole(AriaRole.Button, new() { Name = "Quay lại dịch vụ" }).ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith($"{portalUrl}/tu-choi", StringComparison.Ordinal));
        Assert.Contains("mức độ 2", await page.Locator("main").InnerTextAsync());
        await Shot("07-portal-refused");

        // Still signed in at level 1; then the citizen locks the account and the portal's session ends (back-channel logout).
        await page.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
        Assert.Contains(citizen.FullName, await page.Locator("main").InnerTextAsync());
        var login = await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>();
        using var lockRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock") { Content = JsonContent.Create(new { reason = "lost phone" }) };
        lockRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.SendAsync(lockRequest)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string header;
        do
        {
            await Task.Delay(300);
            await page.GotoAsync(portalUrl);
            header = await page.Locator("#user").InnerTextAsync();
        } while (!header.Contains("Đăng nhập bằng VNeID") && DateTime.UtcNow < deadline);
        await Shot("08-portal-signed-out");
        Assert.Contains("Đăng nhập bằng VNeID", header);
        Assert.Contains("Back-channel logout", await File.ReadAllTextAsync(cluster.LogPath("portal")));

        // The portal also received the lock as a signed security event (RFC 8417/8935) and lists it.
        string events;
        do
        {
            await page.GotoAsync($"{portalUrl}/su-kien-bao-mat");
            events = await page.Locator("main").InnerTextAsync();
            if (!events.Contains("account-disabled")) await Task.Delay(300);
        } while (!events.Contains("account-disabled") && DateTime.UtcNow < deadline.AddSeconds(30));
        await Shot("09-portal-security-events");
        Assert.Contains("account-disabled", events);
    }

    [Fact]
    public async Task The_sample_portal_switched_to_FAPI_2_0_signs_a_citizen_in_the_same_way_with_PAR_private_key_jwt_and_DPoP()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        // Registered as `clients add-sample --fapi` does: the portal's own EC key, the provider holding the public half.
        var portalUrl = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        var clientId = $"bank-{Guid.NewGuid():N}"[..20];
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key));
        var kid = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = "sig" } } });
        Assert.Null(await RelyingPartyClient.AddAsync(new RelyingParty(clientId, "Ngân hàng (thử nghiệm FAPI 2.0)", true,
            [$"{portalUrl}/signin-oidc"], [$"{portalUrl}/signout-callback-oidc"], ["profile", "phone", "email", "vneid_level", "organization"], 1, null, false, Fapi: true, Jwks: jwks)));
        var keyFile = Path.Combine(Path.GetTempPath(), $"{clientId}.pem");
        await File.WriteAllTextAsync(keyFile, key.ExportECPrivateKeyPem());
        cluster.StartPortal(portalUrl, clientId, secret: null, new Dictionary<string, string> { ["Portal__Profile"] = "fapi", ["Portal__SigningKey"] = keyFile });
        await BrowserPages.WaitForAsync(portalUrl);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        var shot = Screenshots(page);
        try
        {
            // The same pages as with the plain profile: sign-in, consent, back at the portal with the name and level.
            await page.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
            await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
            await page.GetByLabel("Mật khẩu").FillAsync(PlatformApi.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
            await page.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-1");
            var procedure = await page.Locator("main").InnerTextAsync();
            Assert.Contains(citizen.FullName, procedure);
            Assert.Contains("mức độ 1", procedure);
            await shot("fapi-01-portal-level-1");

            // The portal's tokens came by the FAPI 2.0 road: pushed request, private_key_jwt, a DPoP-bound access token.
            await page.GotoAsync($"{portalUrl}/thong-tin");
            var profile = await page.Locator("#profile").InnerTextAsync();
            Assert.Contains("FAPI 2.0", profile);
            Assert.Contains("DPoP", profile);
            await shot("fapi-02-claims");
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(shot, "fapi-failure");
            throw;
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    /// <summary>
    /// The sample portal registered as a confidential relying party with back-channel logout and security events (and the
    /// organization scope it asks for); its secret. <paramref name="acceptsDelegation"/>: it takes a parent's sign-in for a child.
    /// </summary>
    internal static async Task<string> RegisterPortalAsync(string clientId, string portalUrl, string name = "Cổng dịch vụ công (thử nghiệm trình duyệt)",
        bool acceptsDelegation = false) =>
        (await RelyingPartyClient.AddAsync(new RelyingParty(clientId, name,
            true, [$"{portalUrl}/signin-oidc"], [$"{portalUrl}/signout-callback-oidc"], ["profile", "phone", "email", "vneid_level", "organization"], 1,
            $"{portalUrl}/backchannel-logout", false, $"{portalUrl}/security-events", AcceptsDelegation: acceptsDelegation)))!;
}
