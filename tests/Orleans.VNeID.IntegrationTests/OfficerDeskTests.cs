using System.Net.Http.Json;
using Microsoft.Playwright;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 28 in a real browser: an officer signs in at the reception desk, receives a level-2 dossier with the citizen
/// present (the simulated devices of Development) and prints its slip; a dossier applied for together with its card waits
/// in the office's queue, the officer who received it cannot confirm the card, a second officer does. Every desk page
/// passes axe in both languages.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OfficerDeskTests(PlatformFixture platform)
{
    [Fact]
    public async Task An_officer_receives_a_dossier_prints_the_slip_and_a_second_officer_confirms_a_card()
    {
        // A Monday morning: the office is open.
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["DomainClock:StartAt"] = "2026-12-07T09:00:00+07:00" });
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(12).Where(c => c.CardIssuedOn is not null && c.Phone is not null).Take(2).ToArray();
        await api.RegisterAndActivateAsync(citizens[0]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        try
        {
            // The desk asks for the staff sign-in.
            var first = await page.GotoAsync(cluster.GatewayUrl + "/desk/");
            Assert.Equal(401, first!.Status);
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "desk-01-sign-in");
            await SignInAsync(page, cluster, "officer-hn-01");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Hồ sơ chờ xác nhận thẻ");
            Assert.Contains("CAP-HG", await page.Locator(".top").InnerTextAsync());
            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "vneid-desk");
            Assert.True(cookie.HttpOnly);
            Assert.Equal("/desk", cookie.Path);

            // A level-2 dossier, the citizen presenting the chip card: captured, received, the slip printed.
            var slip = await ReceiveAsync(page, citizens[0], withCard: true, "desk-02-dossier");
            Assert.Contains("Đã khớp sinh trắc học", slip);
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "desk-03-receipt");
            var dossierCode = await page.Locator("#receipt dd.code").First.InnerTextAsync();
            Assert.Matches("^[0-9]{6}-[0-9]{4}-[0-9]{5}-[0-9]$", dossierCode);

            // The desk's look-up finds the office's own dossier again.
            await page.GetByRole(AriaRole.Link, new() { Name = "Tra cứu hồ sơ" }).ClickAsync();
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "desk-04-lookup");
            await page.GetByLabel("Mã hồ sơ (16 chữ số)").FillAsync(dossierCode);
            await page.GetByRole(AriaRole.Button, new() { Name = "Tra cứu" }).ClickAsync();
            Assert.Contains(dossierCode, await page.Locator("#receipt").InnerTextAsync());

            // The public look-up page: the slip's two codes and the check code read off the picture (here, as a person
            // would read it, from Development's helper); the page's text never holds the check code.
            var securityCode = await page.Locator("#receipt dd.code").Nth(1).InnerTextAsync();
            var lookup = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
            await lookup.GotoAsync(cluster.GatewayUrl + "/tra-cuu-ho-so");
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(lookup, "desk-lookup-public");
            var challenge = await lookup.Locator("input[name=challenge]").InputValueAsync();
            var checkCode = await cluster.Http.GetFromJsonAsync<string>($"/api/v1/dev/lookup-check-code?challenge={Uri.EscapeDataString(challenge)}");
            Assert.DoesNotContain(checkCode!, await lookup.ContentAsync());
            var picture = await lookup.Locator("img").GetAttributeAsync("src");
            var png = await cluster.Http.GetByteArrayAsync(picture);
            Assert.Equal((byte)'P', png[1]);
            await lookup.GetByLabel("Mã hồ sơ (trên phiếu tiếp nhận)").FillAsync(dossierCode);
            await lookup.GetByLabel("Mã bảo mật (trên phiếu tiếp nhận)").FillAsync(securityCode);
            await lookup.GetByLabel("Mã kiểm tra", new() { Exact = true }).FillAsync(checkCode!.ToLowerInvariant());
            await lookup.GetByRole(AriaRole.Button, new() { Name = "Tra cứu" }).ClickAsync();
            await Assertions.Expect(lookup.Locator("section[role=status]")).ToContainTextAsync("Đã khớp sinh trắc học");
            await BrowserPages.AssertAccessibleAsync(lookup, "desk-lookup-public-result-vi");
            // The same check code does not work twice.
            await lookup.GetByLabel("Mã hồ sơ (trên phiếu tiếp nhận)").FillAsync(dossierCode);
            await lookup.GetByLabel("Mã bảo mật (trên phiếu tiếp nhận)").FillAsync(securityCode);
            await lookup.Locator("input[name=challenge]").EvaluateAsync("(e, c) => e.value = c", challenge);
            await lookup.GetByLabel("Mã kiểm tra", new() { Exact = true }).FillAsync(checkCode);
            await lookup.GetByRole(AriaRole.Button, new() { Name = "Tra cứu" }).ClickAsync();
            await Assertions.Expect(lookup.GetByRole(AriaRole.Alert)).ToContainTextAsync("Mã kiểm tra không đúng");

            // A dossier with the card applied for together: it waits in the queue; its officer cannot confirm the card.
            var waiting = await ReceiveAsync(page, citizens[1], withCard: false, "desk-05-card-application");
            Assert.Contains("Chờ cấp thẻ căn cước", waiting);
            var waitingCode = await page.Locator("#receipt dd.code").First.InnerTextAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Hồ sơ chờ xác nhận thẻ" }).ClickAsync();
            var confirm = page.GetByRole(AriaRole.Button, new() { Name = $"Xác nhận đã cấp thẻ: hồ sơ {waitingCode}" });
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "desk-06-queue");
            await confirm.ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("người thứ hai");

            // A second officer of the office confirms it.
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).ClickAsync();
            await page.GetByLabel("Mã tài khoản dịch vụ (client id)").WaitForAsync();
            await SignInAsync(page, cluster, "officer-hn-02");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Xác nhận đã cấp thẻ: hồ sơ {waitingCode}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(waitingCode);
            await BrowserPages.AssertAccessibleAsync(page, "desk-07-card-confirmed-vi");
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = $"Xác nhận đã cấp thẻ: hồ sơ {waitingCode}" }).CountAsync());

            // Recovery at the office (the page; its match is the API's, tested there).
            await page.GetByRole(AriaRole.Link, new() { Name = "Khôi phục tại cơ quan" }).ClickAsync();
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "desk-08-recovery");
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(name => page.ScreenshotAsync(new PageScreenshotOptions
                { Path = Path.Combine(BrowserPages.ScreenshotFolder(), name + ".png"), FullPage = true }), "desk-failure");
            throw;
        }
    }

    private static async Task SignInAsync(IPage page, PlatformCluster cluster, string officer)
    {
        await page.GetByLabel("Mã tài khoản dịch vụ (client id)").FillAsync(officer);
        await page.GetByLabel("Mật khẩu (secret)").FillAsync("Officer#Dev2026");
        await page.GetByLabel("Mã xác thực 6 số (ứng dụng xác thực)").FillAsync(DemoStaff.Code(officer));
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(cluster.GatewayUrl + "/desk/");
    }

    /// <summary>Fills the dossier form for <paramref name="citizen"/>, captures, receives it; the slip's text.</summary>
    private static async Task<string> ReceiveAsync(IPage page, CitizenRecord citizen, bool withCard, string shot)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Tiếp nhận hồ sơ mức độ 2" }).ClickAsync();
        await page.GetByLabel("Số định danh cá nhân").FillAsync(citizen.IdNumber);
        if (withCard) await page.GetByLabel("Số thẻ (người nước ngoài: số hộ chiếu)").FillAsync(citizen.CardNumber!);
        else await page.GetByLabel("Làm thủ tục cấp thẻ cùng lúc (7 ngày làm việc)").CheckAsync();
        await page.GetByLabel("Số điện thoại").FillAsync(citizen.Phone!);
        await page.GetByLabel("Loại giấy tờ").SelectOptionAsync("driverLicence");
        await page.GetByLabel("Số giấy tờ").FillAsync("010203040506");
        await page.GetByLabel("Cơ quan cấp").FillAsync("Sở Giao thông vận tải Hà Nội");
        await page.GetByLabel("Công dân đồng ý đăng ký tài khoản định danh điện tử mức độ 2").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Thu nhận từ thiết bị (mô phỏng)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã thu nhận ảnh chân dung và vân tay");
        await BrowserPages.AssertAccessibleAsync(page, shot + "-vi");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tiếp nhận hồ sơ" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Phiếu tiếp nhận hồ sơ và hẹn trả kết quả");
        return await page.Locator("#receipt").InnerTextAsync();
    }
}
