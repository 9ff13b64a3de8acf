using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 29, the credential issuer: a level-2 citizen's app proves its key and receives the e-ID as an SD-JWT VC; an
/// independent implementation (@sd-jwt/sd-jwt-vc, tests/credentials/checks.mjs) verifies it and a presentation of only
/// "over 18", refuses a tampered one, and, after the citizen locks the account, reads it as suspended in the status list.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CredentialIssuerTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_level_two_citizen_holds_an_sd_jwt_vc_that_an_independent_library_verifies_until_the_account_is_locked()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["DomainClock:StartAt"] = "2026-12-07T09:00:00+07:00" });
        var api = new PlatformApi(cluster.Http);
        var http = cluster.Http;
        // Adults on the cluster's date (the QR shows "over 18"): one stays at level 1; one whose chip card is valid today
        // becomes level 2 at the desk at once.
        var day = new DateOnly(2026, 12, 7);
        var levelOneCitizen = platform.TakeCitizens(16).First(c => c.DateOfBirth.AddYears(18) <= day);
        await api.RegisterAndActivateAsync(levelOneCitizen);
        Orleans.VNeID.Grains.Registry.CitizenRecord citizen;
        do citizen = platform.TakeCardHolder(day);
        while (citizen.DateOfBirth.AddYears(18) > day);
        await api.RegisterAndActivateAsync(citizen);
        Assert.Equal("approved", (await DeskSteps.Level2AtTheDeskAsync(http, api, citizen)).Status);
        var password = DeskSteps.Level2Password;
        var token = await TokenAsync(api, citizen.IdNumber, password);
        var citizens = new[] { citizen, levelOneCitizen };

        // The issuer's metadata.
        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-credential-issuer");
        Assert.Equal(cluster.GatewayUrl, metadata.GetProperty("credential_issuer").GetString());
        Assert.Equal("dc+sd-jwt", metadata.GetProperty("credential_configurations_supported").GetProperty("vn.vneid.eid").GetProperty("format").GetString());

        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credential = await IssueAsync(http, cluster.GatewayUrl, citizen.IdNumber, token, holder);
        Assert.Equal(HttpStatusCode.OK, credential.StatusCode);
        var sdJwt = (await credential.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credential").GetString()!;

        // A nonce works once; a proof for another audience and a level-1 account get nothing.
        var nonce = await NonceAsync(http);
        Assert.Equal(HttpStatusCode.OK, (await SendIssueAsync(http, citizen.IdNumber, token, Proof(holder, cluster.GatewayUrl, nonce))).StatusCode);
        var again = await SendIssueAsync(http, citizen.IdNumber, token, Proof(holder, cluster.GatewayUrl, nonce));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("invalid_proof", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest,
            (await SendIssueAsync(http, citizen.IdNumber, token, Proof(holder, "https://elsewhere.example", await NonceAsync(http)))).StatusCode);
        var levelOne = await IssueAsync(http, cluster.GatewayUrl, citizens[1].IdNumber, await TokenAsync(api, citizens[1].IdNumber, PlatformApi.Password), holder);
        Assert.Equal("level2_required", (await levelOne.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // An independent implementation verifies it, a presentation of "over 18" only, and refuses tampering.
        var holderJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(holder));
        var holderJson = JsonSerializer.Serialize(new { kty = holderJwk.Kty, crv = holderJwk.Crv, x = holderJwk.X, y = holderJwk.Y, d = holderJwk.D });
        var report = await ChecksAsync(cluster.GatewayUrl, sdJwt, holderJson, "valid");
        Assert.Contains("6 passed, 0 failed", report);

        // A paper from its register: the owner integrates the licence the register gives them, and receives its credential.
        var licence = await PaperCredentialSteps.LicenceInRegisterAsync(platform, citizen.IdNumber);
        await PaperCredentialSteps.IntegrateAsync(http, citizen.IdNumber, token, licence);
        var issuedPaper = await SendIssueAsync(http, citizen.IdNumber, token, Proof(holder, cluster.GatewayUrl, await NonceAsync(http)),
            PaperCredentialSteps.Configuration, licence);
        await PlatformApi.ExpectStatusAsync(HttpStatusCode.OK, issuedPaper);
        var paperCredential = (await issuedPaper.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credential").GetString()!;

        // The sample hotel desk, trusting this gateway; the console as the citizen's web wallet, on a phone-sized window.
        var desk = await InPersonCheck.StartDeskAsync(cluster);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserPages.LaunchAsync(playwright);
        var phone = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 412, Height = 915 }, DeviceScaleFactor = 2.625f });
        try
        {
            await WebWalletAsync(phone, cluster, citizen.IdNumber, password);
            // Over the network (OpenID4VP): the desk asks, the phone's wallet answers; a refusal reaches the desk too.
            var online = await InPersonCheck.AskOnlineAsync(browser, desk, phone);
            await InPersonCheck.ExpectVerdictAsync(online, "HỢP LỆ");
            await Assertions.Expect(online.Locator("table").Locator("tr", new() { HasText = "Đủ 18 tuổi" })).ToContainTextAsync("Có · Yes");
            await Assertions.Expect(online.Locator("main")).Not.ToContainTextAsync(citizen.FullName);
            await BrowserPages.AssertAccessibleAsync(online, "identity-check-online");
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.AskOnlineAsync(browser, desk, phone, agree: false), "KHÁCH TỪ CHỐI");
            await phone.GotoAsync(cluster.GatewayUrl + "/account/wallet");
            var qr = await InPersonCheck.OverEighteenQrAsync(phone);
            await BrowserPages.AssertAccessibleAsync(phone, "wallet-in-person-qr");

            // The network to the platform is cut: the desk checks the QR with what it fetched before.
            await cluster.StopAsync(cluster.Named("gateway"), graceful: true);
            var shown = await InPersonCheck.CheckPictureAsync(browser, desk, qr);
            await InPersonCheck.ExpectVerdictAsync(shown, "HỢP LỆ");
            var table = shown.Locator("table");
            await Assertions.Expect(table.Locator("tr", new() { HasText = "Đủ 18 tuổi" })).ToContainTextAsync("Có · Yes");
            await Assertions.Expect(table.Locator("tr", new() { HasText = "Mức độ định danh" })).ToContainTextAsync("2");
            await Assertions.Expect(shown.Locator("img.portrait")).ToBeVisibleAsync();
            // Only what was chosen: neither the name nor the ID number.
            await Assertions.Expect(shown.Locator("main")).Not.ToContainTextAsync(citizen.FullName);
            await Assertions.Expect(shown.Locator("main")).Not.ToContainTextAsync(citizen.IdNumber);
            await BrowserPages.AssertAccessibleAsync(shown, "identity-check-valid");
            // The same QR again (a copy), a credential with one claim changed, the credential itself (no holder's signature).
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.CheckPictureAsync(browser, desk, qr), "ĐÃ DÙNG RỒI");
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.CheckTextAsync(browser, desk, Tampered(sdJwt)), "KHÔNG PHẢI BẢN THẬT");
            var plain = await InPersonCheck.CheckTextAsync(browser, desk, sdJwt);
            await InPersonCheck.ExpectVerdictAsync(plain, "HỢP LỆ");
            await Assertions.Expect(plain.Locator("main")).ToContainTextAsync("Chưa kiểm tra được");
            await BrowserPages.AssertAccessibleAsync(plain, "identity-check-credential");
            var paper = await InPersonCheck.CheckTextAsync(browser, desk, paperCredential);
            await InPersonCheck.ExpectVerdictAsync(paper, "HỢP LỆ");
            await Assertions.Expect(paper.Locator("table")).ToContainTextAsync(licence);

            // The gateway is back. The citizen locks the account (lost phone): the credential's entry is suspended in the
            // status list, and once the desk has fetched the list again the same QR and the credential read as revoked.
            cluster.StartGateway();
            await cluster.WaitUntilReadyAsync(platform, 1);
            // The licence register revokes the licence: its credential reads invalid (1) and it leaves the wallet.
            await PaperCredentialSteps.RevokeAsync(platform, licence);
            Assert.Equal(1, StatusAt(await http.GetStringAsync("/status-lists/1"), IndexOf(paperCredential)));
            Assert.False(await PaperCredentialSteps.InWalletAsync(http, citizen.IdNumber, token, licence));
            using (var lockRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock") { Content = JsonContent.Create(new { reason = "lost phone" }) })
            {
                lockRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(lockRequest)).StatusCode);
            }
            var index = IndexOf(sdJwt);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (StatusAt(await http.GetStringAsync("/status-lists/1"), index) != 2 && DateTime.UtcNow < deadline) await Task.Delay(300);
            Assert.Equal(2, StatusAt(await http.GetStringAsync("/status-lists/1"), index));
            Assert.Contains("2 passed, 0 failed", await ChecksAsync(cluster.GatewayUrl, sdJwt, holderJson, "suspended"));
            await InPersonCheck.RefreshAsync(browser, desk);
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.CheckPictureAsync(browser, desk, qr), "ĐÃ BỊ THU HỒI");
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.CheckTextAsync(browser, desk, sdJwt), "ĐÃ BỊ THU HỒI");
            await InPersonCheck.ExpectVerdictAsync(await InPersonCheck.CheckTextAsync(browser, desk, paperCredential), "ĐÃ BỊ THU HỒI");
        }
        catch
        {
            foreach (var (open, i) in browser.Contexts.SelectMany(c => c.Pages).Select((p, i) => (p, i)))
                await BrowserPages.TryScreenshotAsync(name => open.ScreenshotAsync(new PageScreenshotOptions
                    { Path = Path.Combine(BrowserPages.ScreenshotFolder(), name + ".png"), FullPage = true }), $"in-person-failure-{i}");
            throw;
        }
    }

    /// <summary>The credential with its first disclosure's value changed (and re-encoded): no longer what the issuer signed.</summary>
    private static string Tampered(string sdJwt)
    {
        var parts = sdJwt.Split('~');
        var disclosure = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsArray();
        disclosure[2] = disclosure[2] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<bool>(out var b) ? !b : "Nguyễn Văn Giả";
        parts[1] = Base64UrlEncoder.Encode(disclosure.ToJsonString());
        return string.Join('~', parts);
    }

    /// <summary>The console as the citizen's web wallet: a key this browser made and cannot export, the e-ID issued to it.</summary>
    private static async Task WebWalletAsync(IPage page, PlatformCluster cluster, string idNumber, string password)
    {
        await page.GotoAsync(cluster.GatewayUrl + "/account/wallet");
        await page.GetByLabel("Số định danh cá nhân").FillAsync(idNumber);
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(cluster.GatewayUrl + "/account/wallet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Nhận căn cước điện tử vào ví" }).ClickAsync();
        await Assertions.Expect(page.Locator("#wallet-status")).ToHaveTextAsync("Đã có căn cước điện tử trong ví của trình duyệt này.");
        await Assertions.Expect(page.Locator("#wallet-claims")).ToContainTextAsync("age_over_18: true");
        await BrowserPages.AssertAccessibleInBothLanguagesAsync(page, "wallet-web-wallet");
        // Kept in this browser: shown again after a reload; its private key cannot be exported.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#wallet-claims")).ToContainTextAsync("full_name");
        var extractable = await page.EvaluateAsync<bool>("""
            () => new Promise((ok, ko) => { const r = indexedDB.open('vneid-wallet', 1); r.onsuccess = () => {
              const g = r.result.transaction('items').objectStore('items').get('holder-key');
              g.onsuccess = () => ok(g.result.privateKey.extractable); g.onerror = ko; }; r.onerror = ko; })
            """);
        Assert.False(extractable);
    }

    private static async Task<string> TokenAsync(PlatformApi api, string idNumber, string password) =>
        (await (await api.LogInAsync(idNumber, password)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

    private static async Task<string> NonceAsync(HttpClient http) =>
        (await (await http.PostAsync("/api/v1/credentials/nonce", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cNonce").GetString()!;

    private static async Task<HttpResponseMessage> IssueAsync(HttpClient http, string issuer, string idNumber, string token, ECDsa holder) =>
        await SendIssueAsync(http, idNumber, token, Proof(holder, issuer, await NonceAsync(http)));

    private static async Task<HttpResponseMessage> SendIssueAsync(HttpClient http, string idNumber, string token, string proof,
        string configuration = "vn.vneid.eid", string? identifier = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{idNumber}/credentials")
        {
            Content = JsonContent.Create(new { credentialConfigurationId = configuration, proof = new { proofType = "jwt", jwt = proof }, credentialIdentifier = identifier }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    /// <summary>The app's key proof (OpenID4VCI 1.0, appendix F.1): typ openid4vci-proof+jwt, the public key in jwk, the issuer's nonce.</summary>
    private static string Proof(ECDsa holder, string audience, string nonce)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(holder));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "openid4vci-proof+jwt",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(holder), SecurityAlgorithms.EcdsaSha256),
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = new Dictionary<string, object> { ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y } },
            Claims = new Dictionary<string, object> { ["aud"] = audience, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["nonce"] = nonce },
        });
    }

    /// <summary>The credential's entry in the status list.</summary>
    private static int IndexOf(string sdJwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(sdJwt.Split('~')[0].Split('.')[1])).RootElement
        .GetProperty("status").GetProperty("status_list").GetProperty("idx").GetInt32();

    /// <summary>A status list's entry, read as a verifier reads it (2 bits per entry, ZLIB, base64url).</summary>
    private static int StatusAt(string statusListJwt, int index)
    {
        var list = JsonDocument.Parse(Base64UrlEncoder.Decode(statusListJwt.Split('.')[1])).RootElement.GetProperty("status_list");
        Assert.Equal(2, list.GetProperty("bits").GetInt32());
        using var zlib = new ZLibStream(new MemoryStream(Base64UrlEncoder.DecodeBytes(list.GetProperty("lst").GetString()!)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        zlib.CopyTo(bytes);
        return (bytes.ToArray()[index * 2 / 8] >> (index * 2 % 8)) & 3;
    }

    private static async Task<string> ChecksAsync(string issuer, string credential, string holderJwk, string expect)
    {
        var start = new ProcessStartInfo("node", "checks.mjs")
        {
            WorkingDirectory = Path.Combine(PlatformFixture.RepositoryRoot(), "tests", "credentials"), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ISSUER"] = issuer;
        start.Environment["CREDENTIAL"] = credential;
        start.Environment["HOLDER_JWK"] = holderJwk;
        start.Environment["EXPECT_STATUS"] = expect;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var report = await output + await errors;
        Assert.True(node.ExitCode == 0, report);
        return report;
    }
}
