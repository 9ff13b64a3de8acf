using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 28 in a real browser (Debian's Chromium): a citizen registers and activates from the pages, signs in at the
/// sample portal, then to the account console through the provider; sees verified and self-declared fields apart, signs
/// out another session, withdraws the portal (whose session ends), reads who used the identity, and locks the account.
/// Every page passes axe in both languages; screenshots of each step go beside the results.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountConsoleTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_citizen_registers_from_the_pages_and_manages_the_account_from_the_console()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Oidc:LogoutPollInterval"] = "00:00:00.200", ["Oidc:LogoutRetryMax"] = "00:00:01", ["Otp:ResendCooldownSeconds"] = "1",
        });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        var portalUrl = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        var clientId = $"portal-{Guid.NewGuid():N}"[..20];
        var secret = await BrowserSignInTests.RegisterPortalAsync(clientId, portalUrl, "Cổng dịch vụ công (thử nghiệm bảng điều khiển)");
        cluster.StartPortal(portalUrl, clientId, secret);
        await BrowserPages.WaitForAsync(portalUrl);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        async Task Both(string name) => await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, name);
        try
        {
            // Register: the declaration, then the code from the phone on record and a password meeting the rules.
            await page.GotoAsync(cluster.GatewayUrl + "/register");
            await Both("console-01-register");
            await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
            await page.GetByLabel("Họ, chữ đệm và tên").FillAsync(citizen.FullName);
            await page.GetByLabel("Ngày sinh").FillAsync(citizen.DateOfBirth.ToString("yyyy-MM-dd"));
            await page.GetByLabel("Giới tính").SelectOptionAsync(citizen.Gender == Gender.Male ? "male" : "female");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng ký" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Mã kích hoạt đã được gửi");
            var code = await api.CodeSentToAsync(citizen.Phone!);
            await page.GetByLabel("Mã kích hoạt (6 chữ số)").FillAsync(code);
            await page.GetByLabel("Mật khẩu", new() { Exact = true }).FillAsync("short");
            Assert.Equal(2, await page.Locator("ul.rules li.met").CountAsync()); // lower-case letters, only allowed characters
            await page.GetByLabel("Mật khẩu", new() { Exact = true }).FillAsync(PlatformApi.Password);
            Assert.Equal(6, await page.Locator("ul.rules li.met").CountAsync());
            await BrowserPages.AssertAccessibleAsync(page, "console-02-activate-vi");
            await page.GetByRole(AriaRole.Button, new() { Name = "Kích hoạt", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Tài khoản đã được kích hoạt");

            // Signed in at the portal (its consent given once).
            await page.GotoAsync($"{portalUrl}/thu-tuc/muc-1");
            await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
            await page.GetByLabel("Mật khẩu").FillAsync(PlatformApi.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
            await page.WaitForURLAsync($"{portalUrl}/thu-tuc/muc-1");
            Assert.Contains(citizen.FullName, await page.Locator("main").InnerTextAsync());

            // The console signs in through the provider (the provider's sign-in is there already: no consent, no password).
            await page.GotoAsync(cluster.GatewayUrl + "/account");
            await page.WaitForURLAsync(cluster.GatewayUrl + "/account");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tài khoản định danh điện tử của tôi");
            Assert.True(await page.Locator("tr.verified").CountAsync() >= 4);
            Assert.True(await page.Locator("tr.declared").CountAsync() >= 1);
            Assert.Contains("Cơ sở dữ liệu quốc gia về dân cư", await page.Locator("tr.verified").First.InnerTextAsync());
            Assert.Contains("Tự khai báo", await page.Locator("tr.declared").Last.InnerTextAsync());
            await Both("console-03-overview");
            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "vneid.citizen");
            Assert.True(cookie.HttpOnly);
            Assert.Equal("/account", cookie.Path);

            // Another session (the API, as the app signs in): listed, and signed out from here, which ends its token.
            var token = (await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            await page.GetByRole(AriaRole.Link, new() { Name = "Phiên đăng nhập" }).ClickAsync();
            var rows = page.Locator("tbody tr");
            var before = await rows.CountAsync();
            Assert.True(before >= 2);
            await Both("console-04-sessions");
            await rows.Filter(new() { HasNotText = "phiên này" }).First.GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã đăng xuất phiên đó");
            Assert.Equal(before - 1, await rows.CountAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, (await StatusWithAsync(cluster, citizen.IdNumber, token)).StatusCode);

            // Withdraw the portal: the portal's session ends within seconds (back-channel logout).
            await page.GetByRole(AriaRole.Link, new() { Name = "Dịch vụ đã kết nối" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cổng dịch vụ công (thử nghiệm bảng điều khiển)" })).ToBeVisibleAsync();
            await Both("console-05-services");
            await page.GetByRole(AriaRole.Button, new() { Name = "Rút lại đồng ý với Cổng dịch vụ công (thử nghiệm bảng điều khiển)" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã rút lại đồng ý");
            var portal = await browser.NewPageAsync();
            await portal.GotoAsync(portalUrl);
            var header = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(300))
            {
                await portal.GotoAsync(portalUrl);
                header = await portal.Locator("#user").InnerTextAsync();
                if (header.Contains("Đăng nhập bằng VNeID")) break;
            }
            Assert.Contains("Đăng nhập bằng VNeID", header);
            // And it was sent a signed security event: every token it held for the citizen is revoked.
            var events = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !events.Contains("tokens-revoked"); await Task.Delay(300))
            {
                await portal.GotoAsync($"{portalUrl}/su-kien-bao-mat");
                events = await portal.Locator("main").InnerTextAsync();
            }
            Assert.Contains("tokens-revoked", events);

            // Who used my identity: the sign-ins, the withdrawal.
            await page.GetByRole(AriaRole.Link, new() { Name = "Lịch sử sử dụng" }).ClickAsync();
            var history = await page.Locator("tbody").InnerTextAsync();
            Assert.Contains("Rút lại đồng ý với dịch vụ", history);
            Assert.Contains("Đăng nhập", history);
            await Both("console-06-history");
            foreach (var (link, name) in new[] { ("Ví giấy tờ", "console-07-wallet"), ("Thông báo", "console-08-notices"), ("Bảo mật", "console-09-security") })
            {
                await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
                await Both(name);
            }

            // An e-mail added and confirmed with the code sent to it (self-declared on the overview).
            var email = $"{citizen.IdNumber}@example.vn";
            await page.GetByLabel("Thư điện tử mới").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Gửi mã xác nhận" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã gửi mã xác nhận");
            await page.GetByLabel("Mã xác nhận đã gửi đến thư điện tử mới").FillAsync(await api.CodeSentToAsync(email));
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Thư điện tử đã được xác nhận");
            await page.GetByRole(AriaRole.Link, new() { Name = "Thông tin của tôi" }).ClickAsync();
            Assert.Contains(email, await page.Locator("tr.declared").Last.InnerTextAsync());

            // A password change ends every session, the console's too; the new password signs in again.
            await page.GetByRole(AriaRole.Link, new() { Name = "Bảo mật" }).ClickAsync();
            await page.GetByLabel("Mật khẩu hiện tại").FillAsync(PlatformApi.Password);
            await page.GetByLabel("Mật khẩu mới").FillAsync("Moi#Matkhau2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đổi mật khẩu" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Bạn đã đăng xuất");
            await page.GetByRole(AriaRole.Link, new() { Name = "Đăng nhập lại" }).ClickAsync();
            await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
            await page.GetByLabel("Mật khẩu").FillAsync("Moi#Matkhau2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(cluster.GatewayUrl + "/account");
            await page.GetByRole(AriaRole.Link, new() { Name = "Bảo mật" }).ClickAsync();

            // Lock the account (lost phone): confirmed, then every session ends, the console's too.
            await page.GetByRole(AriaRole.Checkbox).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Khóa tài khoản" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Tài khoản đã bị khóa");
            await BrowserPages.AssertAccessibleAsync(page, "console-10-locked-vi");
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.LogInAsync(citizen.IdNumber)).StatusCode);
            await page.GotoAsync(cluster.GatewayUrl + "/account");
            await page.GetByLabel("Số định danh cá nhân").WaitForAsync(); // the provider's sign-in again
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(name => page.ScreenshotAsync(new PageScreenshotOptions
                { Path = Path.Combine(BrowserPages.ScreenshotFolder(), name + ".png"), FullPage = true }), "console-failure");
            throw;
        }
    }

    private static async Task<HttpResponseMessage> StatusWithAsync(PlatformCluster cluster, string idNumber, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{idNumber}/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await cluster.Http.SendAsync(request);
    }
}
