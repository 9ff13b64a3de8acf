using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 28: every page of the web area, in Vietnamese and in English, passes axe-core (WCAG 2.2 AA rules) with no
/// serious or critical violation, in Debian's Chromium. Screenshots of each page go beside the test results.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class WebAreaAccessibilityTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_web_areas_pages_pass_axe_in_both_languages()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Otp:ResendCooldownSeconds"] = "1" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        var checkedPages = new List<string>();
        async Task CheckBothLanguagesAsync(string name)
        {
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, $"web-{name}");
            checkedPages.AddRange([$"{name}-vi", $"{name}-en"]);
        }

        try
        {
            await page.GotoAsync(cluster.GatewayUrl + rp.AuthorizeUrl());
            await page.GetByLabel("Số định danh cá nhân").WaitForAsync();
            await CheckBothLanguagesAsync("sign-in");

            // A wrong password: the error is announced (role=alert) and the page stays accessible.
            await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
            await page.GetByLabel("Mật khẩu").FillAsync("Wrong#Pass1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Alert).WaitForAsync();
            await BrowserPages.AssertAccessibleAsync(page, "web-sign-in-error-vi");

            // The risk rule then asks for a code: the code page.
            var messages = await api.MessageCountAsync(citizen.Phone!);
            await page.GetByLabel("Mật khẩu").FillAsync(PlatformApi.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
            await page.GetByLabel("Mã xác thực (6 chữ số)").WaitForAsync();
            await CheckBothLanguagesAsync("code");
            await page.GetByLabel("Mã xác thực (6 chữ số)").FillAsync(await api.CodeSentToAsync(citizen.Phone!, expectedMessages: messages + 1));
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận" }).ClickAsync();

            // Consent.
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).WaitForAsync();
            await CheckBothLanguagesAsync("consent");

            // The level page (a level-1 account asked for level 2).
            await page.GotoAsync(cluster.GatewayUrl + rp.AuthorizeUrl(extra: "&acr_values=urn:vneid:level2"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Quay lại dịch vụ" }).WaitForAsync();
            await CheckBothLanguagesAsync("level-needed");

            // The logout question.
            await page.GotoAsync(cluster.GatewayUrl + "/connect/logout");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).WaitForAsync();
            await CheckBothLanguagesAsync("logout");

            // The operators' sign-in to the cluster dashboard.
            await page.GotoAsync(cluster.GatewayUrl + "/dashboard/sign-in");
            await page.GetByLabel("Mã tài khoản dịch vụ (client id)").WaitForAsync();
            await CheckBothLanguagesAsync("dashboard-sign-in");

            // A refusal met while browsing: a page with the API's meaning and stable code.
            var missing = await page.GotoAsync(cluster.GatewayUrl + "/khong-co-trang-nay");
            Assert.Equal(404, missing!.Status);
            await Assertions.Expect(page.Locator("code")).ToHaveTextAsync("not_found");
            await CheckBothLanguagesAsync("not-found");
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(name => page.ScreenshotAsync(new PageScreenshotOptions
                { Path = Path.Combine(BrowserPages.ScreenshotFolder(), name + ".png"), FullPage = true }), "web-failure");
            throw;
        }
        Assert.Equal(14, checkedPages.Count);
    }
}

/// <summary>Debian's Chromium through Playwright, screenshots beside the results, and axe-core's verdict on a page.</summary>
public static class BrowserPages
{
    public static string Chromium => Environment.GetEnvironmentVariable("VNEID_CHROMIUM") ?? "/usr/bin/chromium";

    public static string ScreenshotFolder()
    {
        var results = Environment.GetEnvironmentVariable("VNEID_TEST_RESULTS") ?? Path.Combine(PlatformFixture.RepositoryRoot(), ".local", "test-results");
        var folder = Path.Combine(results, "browser");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Debian's Chromium, headless (never a browser download).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), $"Chromium is not at {Chromium}: scripts/test.sh installs Debian's package.");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--headless", "--no-sandbox", "--disable-gpu"],
        });
    }

    /// <summary>
    /// The screenshot of a failed step, when the browser can still take one: a page in the middle of navigating cannot,
    /// and that must not hide the failure itself.
    /// </summary>
    public static async Task TryScreenshotAsync(Func<string, Task> shot, string name)
    {
        try
        {
            await shot(name);
        }
        catch (PlaywrightException)
        {
        }
    }

    /// <summary>
    /// A full-page screenshot, the evidence of a step. Chromium under load sometimes cannot capture one ("Unable to capture
    /// screenshot"): it is tried again once, then left out, and the step's assertions decide.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                return;
            }
            catch (PlaywrightException) when (attempt < 2)
            {
                await Task.Delay(500);
            }
            catch (PlaywrightException failed)
            {
                Console.WriteLine($"No screenshot {Path.GetFileName(path)}: {failed.Message.Split('\n')[0]}");
                return;
            }
        }
    }

    /// <summary>The page as it is (Vietnamese), then in English by its language link, and back: each passes axe.</summary>
    public static async Task AssertAccessibleInBothLanguagesAsync(IPage page, string name)
    {
        foreach (var language in new[] { "vi", "en" })
        {
            if (language == "en") await page.GetByRole(AriaRole.Link, new() { Name = "English", Exact = true }).ClickAsync();
            Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
            await AssertAccessibleAsync(page, $"{name}-{language}");
            if (language == "en") await page.GetByRole(AriaRole.Link, new() { Name = "Tiếng Việt", Exact = true }).ClickAsync();
        }
    }

    /// <summary>Waits until <paramref name="url"/> answers with success (a process just started).</summary>
    public static async Task WaitForAsync(string url)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Nothing answered on {url}.");
    }

    /// <summary>A screenshot of the page, then axe-core's WCAG 2.x A/AA rules: no serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        await ScreenshotAsync(page, Path.Combine(ScreenshotFolder(), name + ".png"));
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        });
        Assert.NotEmpty(result.Passes); // axe ran its rules on this page
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }
}
