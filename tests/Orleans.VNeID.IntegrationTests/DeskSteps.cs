using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The reception desk's steps the tests share: a citizen made level 2 at Công an phường Hàng Gai (CAP-HG).</summary>
public static class DeskSteps
{
    /// <summary>The password a citizen activates level 2 with.</summary>
    public const string Level2Password = "Muc2@Matkhau";

    /// <summary>
    /// officer-hn-01 opens the citizen's dossier with the simulated capture; when it is approved, the citizen activates
    /// level 2 with the code sent and <see cref="Level2Password"/>. Returns the dossier's code and status (an expired or
    /// missing card leaves it awaiting the card, and the account as it was).
    /// </summary>
    public static async Task<(string DossierCode, string Status)> Level2AtTheDeskAsync(HttpClient http, PlatformApi api, Orleans.VNeID.Grains.Registry.CitizenRecord citizen)
    {
        var officerLogin = await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId = "officer-hn-01", clientSecret = "Officer#Dev2026", code = DemoStaff.Code("officer-hn-01") });
        var officer = (await officerLogin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var capture = await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/capture/{citizen.IdNumber}");
        var before = await api.MessageCountAsync(citizen.Phone!);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers")
        {
            Content = JsonContent.Create(new
            {
                submissionId = Guid.NewGuid().ToString("N"), idNumber = citizen.IdNumber, hasChipCard = true, cardNumber = citizen.CardNumber,
                phone = citizen.Phone, documents = Array.Empty<object>(), consentRecorded = true,
                portraitTemplate = capture.GetProperty("portraitTemplate").GetString(),
                fingerprintTemplate = capture.GetProperty("fingerprintTemplate").GetString(),
                deviceId = capture.GetProperty("deviceId").GetString(), capturedAt = capture.GetProperty("capturedAt").GetDateTimeOffset(),
                deviceSignature = capture.GetProperty("deviceSignature").GetString(),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officer);
        var opened = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var receipt = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var status = receipt.GetProperty("status").GetString()!;
        if (status == "approved")
        {
            var code = await api.CodeSentToAsync(citizen.Phone!, expectedMessages: before + 1);
            (await http.PostAsJsonAsync($"/api/v1/accounts/{citizen.IdNumber}/activation", new { otp = code, password = Level2Password })).EnsureSuccessStatusCode();
        }
        return (receipt.GetProperty("dossierCode").GetString()!, status);
    }
}
