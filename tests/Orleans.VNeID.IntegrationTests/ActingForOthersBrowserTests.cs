using System.Security.Cryptography;
using Microsoft.Playwright;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 31 in a real browser against the sample portal: a representative registers their organisation (the business
/// register's stand-in names them), activates it with a code, authorises an employee; the employee signs in to the
/// portal "for" the organisation; the representative, a level-2 parent, signs in for their child under 14 and the portal
/// shows the child with the parent as actor; the register names another representative and the first one loses the
/// organisation; the child turns 14 and the portal is told by a security event.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ActingForOthersBrowserTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_representative_authorises_an_employee_who_signs_in_for_the_organisation_and_a_parent_signs_in_for_a_child()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            // A working morning, so the desk is open; deliveries to the portal polled often.
            ["DomainClock:StartAt"] = "2026-12-09T09:00:00+07:00", ["Otp:ResendCooldownSeconds"] = "1", ["Oidc:LogoutPollInterval"] = "00:00:00.200",
        });
        var api = new PlatformApi(cluster.Http);
        // The representative holds a chip card valid on the cluster's day (level 2 at once, no card application).
        var representative = platform.TakeCardHolder(new DateOnly(2026, 12, 9));
        var employee = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(representative);
        await api.RegisterAndActivateAsync(employee);
        Assert.Equal("approved", (await DeskSteps.Level2AtTheDeskAsync(cluster.Http, api, representative)).Status);

        // The registers, as their agencies keep them: the representative's enterprise, and their son, aged 10.
        var identifier = "05" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999);
        await platform.ExecuteAsync(
            "insert into business.organisations (identifier, name, english_name, kind, head_office, representative_id, certificate_number, certificate_issued_on, issuer) " +
            "values ($1, 'Công ty TNHH Thử nghiệm Uỷ quyền', 'Delegation Test Company Limited', 'enterprise', '1 Tràng Tiền, Hà Nội', $2, $1, date '2020-02-02', 'Phòng Đăng ký kinh doanh')",
            identifier, representative.IdNumber);
        var child = PersonalIdNumber.Create("001", 2016, Gender.Male, RandomNumberGenerator.GetInt32(900_000, 999_999)).Value;
        await platform.ExecuteAsync(
            "insert into registry.citizens (id_number, full_name, date_of_birth, gender, birth_province, father_id) values ($1, 'Hoàng Minh Quân', date '2016-06-01', 0, '001', $2)",
            child, representative.IdNumber);

        var portalUrl = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        var clientId = $"portal-{Guid.NewGuid():N}"[..20];
        cluster.StartPortal(portalUrl, clientId, await BrowserSignInTests.RegisterPortalAsync(clientId, portalUrl, "Cổng dịch vụ công (thử nghiệm uỷ quyền)", acceptsDelegation: true));
        await BrowserPages.WaitForAsync(portalUrl);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        try
        {
            // The representative registers the organisation in the console, activates it with a code, authorises the employee.
            await page.GotoAsync($"{cluster.GatewayUrl}/account/organisations");
            await PasskeyBrowserTests.SignInWithPasswordAsync(page, representative.IdNumber, "Muc2@Matkhau");
            await page.GetByLabel("Mã số doanh nghiệp (10 chữ số)").FillAsync(identifier);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng ký", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#organisation-status")).ToHaveTextAsync("Chờ kích hoạt");
            await page.GetByRole(AriaRole.Button, new() { Name = "Kích hoạt tài khoản của tổ chức" }).ClickAsync();
            var sent = await api.MessageCountAsync(representative.Phone!);
            await page.GetByRole(AriaRole.Button, new() { Name = "Gửi mã xác thực", Exact = true }).ClickAsync();
            var code = await api.CodeSentToAsync(representative.Phone!, expectedMessages: sent + 1);
            await page.GetByLabel("Mã xác thực đã gửi đến số điện thoại đăng ký của bạn").FillAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#organisation-status")).ToHaveTextAsync("Đang hoạt động");
            await page.GetByLabel("Số định danh cá nhân của người được uỷ quyền").FillAsync(employee.IdNumber);
            await page.GetByRole(AriaRole.Button, new() { Name = "Uỷ quyền", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Người được uỷ quyền" })).ToContainTextAsync(employee.IdNumber);
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "organisation-01-console");

            // The employee signs in to the portal for the organisation.
            var employeePage = await (await browser.NewContextAsync()).NewPageAsync();
            await employeePage.GotoAsync($"{portalUrl}/thong-tin");
            await PasskeyBrowserTests.SignInWithPasswordAsync(employeePage, employee.IdNumber, PlatformApi.Password);
            await BrowserPages.AssertAccessibleInBothLanguagesAsync(employeePage, "organisation-02-choice");
            await employeePage.GetByLabel("Cho tổ chức Công ty TNHH Thử nghiệm Uỷ quyền").CheckAsync();
            await employeePage.GetByRole(AriaRole.Button, new() { Name = "Tiếp tục" }).ClickAsync();
            await Assertions.Expect(employeePage.Locator("main")).ToContainTextAsync("Bạn đăng nhập cho Công ty TNHH Thử nghiệm Uỷ quyền");
            await employeePage.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
            await employeePage.WaitForURLAsync($"{portalUrl}/thong-tin");
            await Assertions.Expect(employeePage.Locator("#organization-name")).ToHaveTextAsync("Công ty TNHH Thử nghiệm Uỷ quyền");
            await Assertions.Expect(employeePage.Locator("#organization-id")).ToHaveTextAsync(identifier);
            await Assertions.Expect(employeePage.Locator("#organization-role")).ToHaveTextAsync("authorised");
            await Assertions.Expect(employeePage.Locator("main")).ToContainTextAsync(employee.FullName);

            // The parent (already signed in at the provider) signs in to the portal for the child.
            await page.GotoAsync($"{portalUrl}/thong-tin");
            await page.GetByLabel("Thay mặt con: Hoàng Minh Quân").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Tiếp tục" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
            await page.WaitForURLAsync($"{portalUrl}/thong-tin");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Hoàng Minh Quân");
            await Assertions.Expect(page.Locator("#actor-name")).ToHaveTextAsync(representative.FullName);
            await Assertions.Expect(page.Locator("#actor-relationship")).ToHaveTextAsync("father");
            await BrowserPages.AssertAccessibleAsync(page, "organisation-03-portal-child");

            // The register names another representative: the first one no longer holds the organisation.
            await platform.ExecuteAsync("update business.organisations set representative_id = $2 where identifier = $1", identifier, employee.IdNumber);
            await page.GotoAsync($"{cluster.GatewayUrl}/account/organisations/{identifier}");
            await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Công ty TNHH Thử nghiệm Uỷ quyền");

            // The child turns 14 (the population database's record, as the years would make it): the portal is told.
            await platform.ExecuteAsync("update registry.citizens set date_of_birth = date '2012-12-01' where id_number = $1", child);
            await PlatformFixture.EventuallyAsync(async () =>
            {
                await page.GotoAsync($"{portalUrl}/su-kien-bao-mat");
                return (await page.Locator("main").InnerTextAsync()).Contains("tokens-revoked");
            }, 30);
        }
        catch
        {
            await BrowserPages.TryScreenshotAsync(name => BrowserPages.ScreenshotAsync(page, Path.Combine(BrowserPages.ScreenshotFolder(), $"organisation-{name}.png")), "failure");
            throw;
        }
    }
}
