using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>Issue 3's acceptance over real HTTP, with the Development domain clock set to the moments that matter.</summary>
[Collection(PlatformCollection.Name)]
public class Level2OfficeHoursTests(PlatformFixture platform)
{
    private static Dictionary<string, string> At(string instant) => new() { ["DomainClock:StartAt"] = instant };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private static async Task<string> OfficerTokenAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId = "officer-hn-01", clientSecret = "Officer#Dev2026", code = DemoStaff.Code("officer-hn-01") });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static object Dossier(string idNumber, string? phone, JsonElement capture, string licence = "010203040506") => new
    {
        submissionId = Guid.NewGuid().ToString("N"),
        idNumber,
        hasChipCard = true,
        phone,
        documents = new[] { new { kind = "driverLicence", number = licence, issuer = "Sở Giao thông vận tải Hà Nội" } },
        consentRecorded = true,
        portraitTemplate = capture.GetProperty("portraitTemplate").GetString(),
        fingerprintTemplate = capture.GetProperty("fingerprintTemplate").GetString(),
        deviceId = capture.GetProperty("deviceId").GetString(), capturedAt = capture.GetProperty("capturedAt").GetDateTimeOffset(),
        deviceSignature = capture.GetProperty("deviceSignature").GetString(),
    };

    [Fact]
    public async Task The_friday_before_tet_a_level_one_citizen_becomes_level_two_with_the_calendars_appointment()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: At("2026-02-13T09:00:00+07:00"));
        var api = new PlatformApi(cluster.Http);
        var http = cluster.Http;
        var citizen = platform.TakeCardHolder(new DateOnly(2026, 2, 13));
        await api.RegisterAndActivateAsync(citizen);
        var officer = await OfficerTokenAsync(http);

        var capture = await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/capture/{citizen.IdNumber}");
        // The licence the citizen presents stands in the licence register (a dossier's papers pass the register's check).
        var licence = await PaperCredentialSteps.LicenceInRegisterAsync(platform, citizen.IdNumber);
        var opened = await SendAsync(http, HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen.IdNumber, citizen.Phone, capture, licence));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var receipt = await opened.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", receipt.GetProperty("status").GetString());
        // Tết 2026 runs 14-22 February (config/calendar.json): three working days after Friday 13 is Wednesday 25.
        Assert.Equal("2026-02-25", receipt.GetProperty("appointmentDate").GetString());
        Assert.StartsWith("260213-1012-", receipt.GetProperty("dossierCode").GetString());

        var code = await api.CodeSentToAsync(citizen.Phone!, expectedMessages: 3);
        (await http.PostAsJsonAsync($"/api/v1/accounts/{citizen.IdNumber}/activation", new { otp = code, password = "Muc2@Matkhau" })).EnsureSuccessStatusCode();
        var login = await (await api.LogInAsync(citizen.IdNumber, "Muc2@Matkhau")).Content.ReadFromJsonAsync<JsonElement>();
        var token = login.GetProperty("token").GetString()!;
        var wallet = await (await SendAsync(http, HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/wallet", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("driverLicence", wallet[0].GetProperty("kind").GetString());

        var challenge = await (await http.PostAsync("/api/v1/dossiers/lookup-challenges", null)).Content.ReadFromJsonAsync<JsonElement>();
        var lookUp = await http.GetFromJsonAsync<JsonElement>(
            $"/api/v1/dossiers/{receipt.GetProperty("dossierCode").GetString()}?securityCode={receipt.GetProperty("securityCode").GetString()}" +
            $"&challenge={Uri.EscapeDataString(challenge.GetProperty("challenge").GetString()!)}&checkCode={challenge.GetProperty("checkCode").GetString()}");
        Assert.Equal("approved", lookUp.GetProperty("status").GetString());

        // No biometric value in the database's account state, the audit trail or the outbox.
        foreach (var template in new[] { capture.GetProperty("portraitTemplate").GetString()!, capture.GetProperty("fingerprintTemplate").GetString()! })
        {
            var raw = Convert.FromBase64String(template);
            Assert.Equal(0, await platform.ScalarAsync(
                "select count(*) from orleans.storage where service_id = $1 and (position($2 in payload_binary) > 0 or position(convert_to($3, 'UTF8') in payload_binary) > 0)",
                cluster.ClusterId, raw[..16], template[..20]));
            Assert.Equal(0, await platform.ScalarAsync("select count(*) from audit.entries where service_id = $1 and reason like '%' || $2 || '%'", cluster.ClusterId, template[..20]));
        }
    }

    [Theory]
    [InlineData("2026-11-21T15:00:00+07:00", "office hours")]   // a Saturday afternoon
    [InlineData("2026-09-02T09:00:00+07:00", "public holiday")] // National Day
    public async Task Outside_office_hours_a_dossier_is_refused_with_a_clear_message(string instant, string reason)
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: At(instant));
        var http = cluster.Http;
        var citizen = platform.TakeCitizens(6).First(c => c.CardIssuedOn is not null);
        var officer = await OfficerTokenAsync(http);
        var capture = await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/capture/{citizen.IdNumber}");
        var response = await SendAsync(http, HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen.IdNumber, citizen.Phone, capture));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("office_closed", problem.GetProperty("code").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
    }
}
