using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Passkeys and the QR sign-in in a real browser: Debian's Chromium with a virtual authenticator (the DevTools WebAuthn
/// domain over a CDP session), the sample portal as the relying party, the platform on <c>localhost</c> (WebAuthn takes no
/// IP address). Screenshots go beside the test results.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PasskeyBrowserTests(PlatformFixture platform)
{
    private static readonly BrowserNewContextOptions Phone = new() { ViewportSize = new ViewportSize { Width = 412, Height = 915 } };

    [Fact]
    public async Task A_level_two_citizen_adds_a_passkey_signs_in_to_the_portals_level_two_procedure_with_it_and_no_sms_then_removes_it()
    {
        var (cluster, api, citizen, portalUrl) = await StartAsync(level2: true);
        await using var _ = cluster;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync(Phone)).NewPageAsync();
        var shot = Shots(page, "passkey");
        try
        {
            var cdp = await page.Context.NewCDPSessionAsync(page);
            await cdp.SendAsync("WebAuthn.enable");
            var authenticator = (await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
            {
                ["options"] = new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                    ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
                },
            }))!.Value.GetProperty("authenticatorId").GetString()!;

            // The console: signed in with the password; a level-2 account proves the phone with a code before adding a passkey.
            await page.GotoAsync($"{cluster.GatewayUrl}/account/passkeys");
            await SignInWithPasswordAsync(page, citizen.IdNumber, "Muc2@Matkhau");
            var sent = await api.MessageCountAsync(citizen.Phone!);
            await page.GetByRole(AriaRole.Button, new() { Name = "Gửi mã xác thực", Exact = true }).ClickAsync();
            var code = await api.CodeSentToAsync(citizen.Phone!, expectedMessages: sent + 1);
            await page.GetByLabel("Mã xác thực đã gửi đến số điện thoại đăng ký").FillAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận", Exact = true }).ClickAsync();
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "passkey-01-console-add");
            await page.GetByLabel("Đặt tên cho khoá (ví dụ: Điện thoại của tôi)").FillAsync("Điện thoại thử nghiệm");
            await page.GetByRole(AriaRole.Button, new() { Name = "Tạo khoá truy cập trên thiết bị này" }).ClickAsync();
            await Assertions.Expect(page.Locator("p.done")).ToContainTextAsync("Đã thêm khoá truy cập");
            await Assertions.Expect(page.Locator("table")).ToContainTextAsync("Điện thoại thử nghiệm");
            await BrowserPages.AssertAccessibleAsync(page, "passkey-02-console-listed");
            var credentials = (await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticator }))!.Value;
            Assert.Equal(1, credentials.GetProperty("credentials").GetArrayLength());
            Assert.True(credentials.GetProperty("credentials")[0].GetProperty("isResidentCredential").GetBoolean());
            // The account's state counts the new factor; the audit trail and the notices have the addition.
            var owner = await OwnerTokenAsync(cluster, citizen.IdNumber);
            var account = await GetAsync(cluster, $"/api/v1/accounts/{citizen.IdNumber}", owner);
            Assert.Equal(1, account.GetProperty("passkeys").GetInt32());
            await page.GotoAsync($"{cluster.GatewayUrl}/account/history");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Thêm khoá truy cập");

            // Signed out everywhere: the portal's level-2 procedure, with the passkey alone. No SMS is sent.
            await page.GotoAsync($"{cluster.GatewayUrl}/account/sessions");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất khỏi mọi thiết bị" }).ClickAsync();
            var messagesBefore = await api.MessageCountAsync(citizen.Phone!);
            await page.GotoAsync($"{portalUrl}/thu-tuc/muc-2");
            var passkeyButton = page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập bằng khoá truy cập (passkey)" });
            await passkeyButton.WaitForAsync();
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "passkey-03-sign-in");
            var posted = await page.RunAndWaitForRequestAsync(() => passkeyButton.ClickAsync(),
                r => r.Url.EndsWith("/signin/passkey", StringComparison.Ordinal) && r.Method == "POST");
            var form = posted.PostData!;
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
            await page.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-2");
            var procedure = await page.Locator("main").InnerTextAsync();
            Assert.Contains(citizen.FullName, procedure);
            Assert.Contains("mức độ 2", procedure);
            await shot("04-portal-level-2");
            Assert.Equal(messagesBefore, await api.MessageCountAsync(citizen.Phone!));
            await page.GotoAsync($"{portalUrl}/thong-tin");
            var claims = await page.Locator("main").InnerTextAsync();
            Assert.Contains("hwk", claims);
            Assert.Contains("urn:vneid:level2", claims);

            // The same answer posted again (the same browser, its cookies and form token): the challenge was spent.
            var replay = await page.Context.APIRequest.PostAsync($"{cluster.GatewayUrl}/signin/passkey", new APIRequestContextOptions
            {
                Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" }, Data = form, MaxRedirects = 0,
            });
            Assert.Equal(400, replay.Status);
            Assert.Contains("Không đăng nhập được bằng khoá truy cập", await replay.TextAsync());

            // After the password instead: the account has passkeys, so it is asked to choose and no SMS goes out unless asked for.
            await page.Context.ClearCookiesAsync();
            await page.GotoAsync($"{portalUrl}/thu-tuc/muc-2");
            await SignInWithPasswordAsync(page, citizen.IdNumber, "Muc2@Matkhau");
            var instead = page.GetByRole(AriaRole.Button, new() { Name = "Dùng khoá truy cập thay cho mã" });
            await instead.WaitForAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Gửi mã qua tin nhắn" })).ToBeVisibleAsync();
            await BrowserPages.AssertAccessibleAsync(page, "passkey-04-second-factor");
            await instead.ClickAsync();
            await page.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-2");
            Assert.Contains("mức độ 2", await page.Locator("main").InnerTextAsync());
            Assert.Equal(messagesBefore, await api.MessageCountAsync(citizen.Phone!));

            // The app's pair on the API: options, the authenticator's answer, tokens with amr; the same answer again is refused.
            await page.GotoAsync($"{cluster.GatewayUrl}/tra-cuu-ho-so");
            var options = await cluster.Http.PostAsync("/api/v1/sessions/passkey/options", null);
            var answer = await AssertAsync(page, await options.Content.ReadAsStringAsync());
            var signedIn = await cluster.Http.PostAsync("/api/v1/sessions/passkey", Json(answer));
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            var token = (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            Assert.Contains("\"amr\"", Payload(token));
            var again = await cluster.Http.PostAsync("/api/v1/sessions/passkey", Json(answer));
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
            Assert.Equal("passkey_invalid", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

            // Another origin (the portal's) asking for the platform's RP ID with the platform's challenge: refused.
            await page.GotoAsync(portalUrl);
            var foreign = await AssertAsync(page, await (await cluster.Http.PostAsync("/api/v1/sessions/passkey/options", null)).Content.ReadAsStringAsync());
            var elsewhere = await cluster.Http.PostAsync("/api/v1/sessions/passkey", Json(foreign));
            Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);

            // Removed in the console: the passkey no longer signs in, and the owner was told.
            await page.GotoAsync($"{cluster.GatewayUrl}/account/passkeys");
            await page.GetByRole(AriaRole.Button, new() { Name = "Xoá khoá Điện thoại thử nghiệm" }).ClickAsync();
            await Assertions.Expect(page.Locator("p.done")).ToContainTextAsync("Đã xoá khoá truy cập");
            await shot("05-console-removed");
            await page.GotoAsync(cluster.GatewayUrl + "/account/notices");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("đã bị xoá khỏi tài khoản");
            await page.GotoAsync($"{cluster.GatewayUrl}/tra-cuu-ho-so");
            var removed = await AssertAsync(page, await (await cluster.Http.PostAsync("/api/v1/sessions/passkey/options", null)).Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Http.PostAsync("/api/v1/sessions/passkey", Json(removed))).StatusCode);
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(shot, "failure");
            throw;
        }
    }

    [Fact]
    public async Task A_citizen_signs_in_at_the_portal_on_a_computer_by_approving_a_qr_on_a_phone_and_a_used_or_refused_qr_goes_nowhere()
    {
        var (cluster, api, citizen, portalUrl) = await StartAsync(level2: false);
        await using var _ = cluster;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var computer = await (await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } })).NewPageAsync();
        var phone = await (await browser.NewContextAsync(Phone)).NewPageAsync();
        var shotComputer = Shots(computer, "qr-computer");
        var shotPhone = Shots(phone, "qr-phone");
        try
        {
            // The phone is signed in (the console in a phone browser stands in for the app).
            await phone.GotoAsync($"{cluster.GatewayUrl}/account");
            await SignInWithPasswordAsync(phone, citizen.IdNumber, PlatformApi.Password);
            await phone.WaitForURLAsync($"{cluster.GatewayUrl}/account");

            // The computer: the portal sends it to the provider, which offers the app; a QR shows.
            await computer.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
            await computer.GetByRole(AriaRole.Link, new() { Name = "Đăng nhập bằng ứng dụng VNeID (quét mã QR)" }).ClickAsync();
            await computer.GetByRole(AriaRole.Img, new() { Name = "Mã QR đăng nhập bằng ứng dụng VNeID" }).WaitForAsync();
            await BrowserPages.AssertAccessibleAsync(computer, "qr-01-computer-qr");
            var link = (await computer.Locator("#qr-link").GetAttributeAsync("href"))!;

            // The phone "scans" it: which service, from which device and address, what it will receive.
            await phone.GotoAsync(link);
            var request = await phone.Locator("main").InnerTextAsync();
            Assert.Contains("Cổng dịch vụ công (thử nghiệm QR)", request);
            Assert.Contains("Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư", request);
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(phone, "qr-02-phone-request");
            var approved = Stopwatch.StartNew();
            await phone.GetByRole(AriaRole.Button, new() { Name = "Duyệt đăng nhập" }).ClickAsync();
            await Assertions.Expect(phone.Locator("p.done")).ToContainTextAsync("Đã duyệt");
            await shotPhone("03-approved");

            // The computer goes on by itself: consent, then the portal with the citizen's name.
            await computer.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync(new() { Timeout = 10_000 });
            var wentOn = approved.Elapsed;
            await computer.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-1");
            Assert.Contains(citizen.FullName, await computer.Locator("main").InnerTextAsync());
            await shotComputer("04-portal");
            Assert.True(wentOn < TimeSpan.FromSeconds(8), $"the computer went on {wentOn.TotalSeconds:F1} s after the approval");

            // The same QR again: nothing to approve.
            await phone.GotoAsync(link);
            Assert.Contains("đã hết hạn, đã được dùng", await phone.Locator("main").InnerTextAsync());

            // A new QR, refused on the phone: both say so.
            var other = await (await browser.NewContextAsync()).NewPageAsync();
            await other.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
            await other.GetByRole(AriaRole.Link, new() { Name = "Đăng nhập bằng ứng dụng VNeID (quét mã QR)" }).ClickAsync();
            var second = (await other.Locator("#qr-link").GetAttributeAsync("href"))!;
            // Another browser (no cookie of the QR's) cannot complete it, approved or not.
            var stranger = await browser.NewContextAsync();
            var strangerStatus = await stranger.APIRequest.GetAsync($"{cluster.GatewayUrl}/signin/qr/status");
            Assert.Contains("expired", await strangerStatus.TextAsync());
            await phone.GotoAsync(second);
            await phone.GetByRole(AriaRole.Button, new() { Name = "Từ chối", Exact = true }).ClickAsync();
            await Assertions.Expect(phone.Locator("p.done")).ToContainTextAsync("Đã từ chối");
            await Assertions.Expect(other.Locator("#qr-status")).ToContainTextAsync("bị từ chối trên điện thoại", new() { Timeout = 10_000 });
            Assert.StartsWith($"{cluster.GatewayUrl}/signin/qr", other.Url);
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(shotComputer, "failure");
            await BrowserPages.TryScreenshotAsync(shotPhone, "failure");
            throw;
        }
    }

    /// <summary>A cluster on localhost, a citizen (level 2 at the desk when asked), and the sample portal registered and running.</summary>
    private async Task<(PlatformCluster Cluster, PlatformApi Api, CitizenRecord Citizen, string PortalUrl)> StartAsync(bool level2)
    {
        var cluster = await PlatformCluster.StartAsync(platform, host: "localhost", settings: new Dictionary<string, string>
        {
            // A working morning, so the desk is open; codes may follow each other at once.
            ["DomainClock:StartAt"] = "2026-12-09T09:00:00+07:00", ["Otp:ResendCooldownSeconds"] = "1",
        });
        try
        {
            var api = new PlatformApi(cluster.Http);
            var citizen = level2 ? platform.TakeCardHolder(new DateOnly(2026, 12, 9)) : platform.TakeCitizens(1)[0];
            await api.RegisterAndActivateAsync(citizen);
            if (level2) Assert.Equal("approved", (await DeskSteps.Level2AtTheDeskAsync(cluster.Http, api, citizen)).Status);
            var portalUrl = $"http://localhost:{PlatformFixture.FreePort()}";
            var clientId = $"portal-{Guid.NewGuid():N}"[..20];
            var secret = await BrowserSignInTests.RegisterPortalAsync(clientId, portalUrl, level2 ? "Cổng dịch vụ công (thử nghiệm passkey)" : "Cổng dịch vụ công (thử nghiệm QR)");
            cluster.StartPortal(portalUrl, clientId, secret);
            await BrowserPages.WaitForAsync(portalUrl);
            return (cluster, api, citizen, portalUrl);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    internal static async Task SignInWithPasswordAsync(IPage page, string idNumber, string password)
    {
        await page.GetByLabel("Số định danh cá nhân").FillAsync(idNumber);
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
    }

    /// <summary>The virtual authenticator answers <paramref name="optionsJson"/> on the page's current origin; the answer's JSON.</summary>
    private static async Task<string> AssertAsync(IPage page, string optionsJson) =>
        await page.EvaluateAsync<string>("""
            async options => {
              const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(options)) });
              return JSON.stringify(credential.toJSON());
            }
            """, optionsJson);

    private static StringContent Json(string credentialJson) =>
        new($"{{\"credential\":{credentialJson}}}", System.Text.Encoding.UTF8, "application/json");

    private static string Payload(string jwt) =>
        System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));

    private static async Task<string> OwnerTokenAsync(PlatformCluster cluster, string idNumber)
    {
        var login = await cluster.Http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password = "Muc2@Matkhau" });
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(PlatformCluster cluster, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await cluster.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Func<string, Task> Shots(IPage page, string prefix)
    {
        var folder = BrowserPages.ScreenshotFolder();
        return name => BrowserPages.ScreenshotAsync(page, Path.Combine(folder, $"{prefix}-{name}.png"));
    }
}
