using Microsoft.Playwright;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 29's in-person check, step by step in a real browser: the citizen's console on a phone makes a QR of only
/// "over 18"; the sample hotel desk (samples/IdentityCheck) reads its picture and says what it shows and whether it is
/// valid, with the verdicts of a copy, a tampered credential and a revoked one.
/// </summary>
public static class InPersonCheck
{
    /// <summary>The sample desk, trusting this cluster's gateway as the e-ID's issuer; ready once it holds the keys and the status list.</summary>
    public static async Task<string> StartDeskAsync(PlatformCluster cluster)
    {
        var url = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        cluster.StartSample("identity-check", "IdentityCheck", "vneid-identity-check.dll", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = url,
            ["Verifier__TrustedIssuers__0__Issuer"] = cluster.GatewayUrl,
            ["Verifier__TrustedIssuers__0__Name"] = "VNeID (test)",
            ["Verifier__TrustedIssuers__0__StatusLists__0"] = cluster.GatewayUrl + "/status-lists/1",
            ["Verifier__Wallet"] = cluster.GatewayUrl + "/account/wallet/present",
        });
        await BrowserPages.WaitForAsync(url + "/trust");
        using var http = new HttpClient();
        await PlatformFixture.EventuallyAsync(async () => !(await http.GetStringAsync(url + "/trust")).Contains("chưa · not yet"), 30);
        return url;
    }

    /// <summary>The QR the wallet page shows for "only over 18", as a phone's screen shows it (a PNG of the element).</summary>
    public static async Task<byte[]> OverEighteenQrAsync(IPage wallet)
    {
        await wallet.GetByLabel("Chỉ “đủ 18 tuổi” (kèm ảnh chân dung để đối chiếu)").CheckAsync();
        await wallet.GetByRole(AriaRole.Button, new() { Name = "Tạo mã QR" }).ClickAsync();
        var image = wallet.Locator("#qr-image");
        await Assertions.Expect(image).ToBeVisibleAsync();
        await Assertions.Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        return await image.ScreenshotAsync();
    }

    /// <summary>The desk's verdict on a picture of a QR; the result page stays open for more assertions.</summary>
    public static async Task<IPage> CheckPictureAsync(IBrowser browser, string desk, byte[] png)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(desk);
        await page.Locator("#image").SetInputFilesAsync(new FilePayload { Name = "qr.png", MimeType = "image/png", Buffer = png });
        await page.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra ảnh · Check the picture" }).ClickAsync();
        await page.WaitForURLAsync(desk + "/check/image");
        return page;
    }

    /// <summary>The desk's verdict on a pasted text (a presentation or a credential).</summary>
    public static async Task<IPage> CheckTextAsync(IBrowser browser, string desk, string text)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(desk);
        await page.GetByLabel("Dán nội dung mã QR").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra nội dung · Check the text" }).ClickAsync();
        await page.WaitForURLAsync(desk + "/check/text");
        return page;
    }

    public static Task ExpectVerdictAsync(IPage result, string verdict) =>
        Assertions.Expect(result.Locator(".verdict")).ToContainTextAsync(verdict);

    /// <summary>
    /// The desk asks over the network (OpenID4VP): the phone's wallet page shows who asks for what, the citizen agrees
    /// or refuses, and the desk's page (waiting in another browser) shows the verdict.
    /// </summary>
    public static async Task<IPage> AskOnlineAsync(IBrowser browser, string desk, IPage phone, bool agree = true)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(desk + "/online");
        await page.GetByLabel("Chỉ “đủ 18 tuổi” và ảnh chân dung").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Tạo yêu cầu · Make the request" }).ClickAsync();
        var link = await page.Locator("#wallet-link").GetAttributeAsync("href");
        await phone.GotoAsync(link!);
        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync(new Uri(desk).Authority);
        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync("Đủ 18 tuổi hay chưa");
        if (agree) await BrowserPages.AssertAccessibleAsync(phone, "wallet-present");
        await phone.GetByRole(AriaRole.Button, new() { Name = agree ? "Đồng ý chia sẻ" : "Từ chối", Exact = true }).ClickAsync();
        await phone.WaitForURLAsync(desk + "/online/response");
        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync(agree ? "Thông tin đã được gửi" : "Bạn đã từ chối");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/result$"));
        return page;
    }

    /// <summary>The desk fetches the issuer's keys and status list again (the network is back).</summary>
    public static async Task RefreshAsync(IBrowser browser, string desk)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(desk + "/trust");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cập nhật ngay · Refresh now" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=alert]")).ToHaveCountAsync(0);
        await page.CloseAsync();
    }
}
