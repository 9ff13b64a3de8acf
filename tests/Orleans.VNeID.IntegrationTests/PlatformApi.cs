using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>What a client of the gateway does, over real HTTP.</summary>
public sealed class PlatformApi(HttpClient http)
{
    public const string Password = "Nhoquan@123";

    public async Task<HttpResponseMessage> DeclareAsync(CitizenRecord c) =>
        await http.PostAsJsonAsync("/api/v1/accounts", new
        {
            idNumber = c.IdNumber,
            fullName = c.FullName,
            dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"),
            gender = c.Gender.ToString().ToLowerInvariant(),
            phone = c.Phone,
        });

    /// <summary>The newest code sent to the phone, from the Development message list (delivery is asynchronous).</summary>
    public async Task<string> CodeSentToAsync(string phone, int expectedMessages = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var messages = await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?recipient={phone}");
            if (messages.GetArrayLength() >= expectedMessages) return messages[0].GetProperty("body").GetString()![..6];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No code reached {phone}.");
            await Task.Delay(100);
        }
    }

    /// <summary>How many messages the phone has received so far (Development message list).</summary>
    public async Task<int> MessageCountAsync(string phone) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?recipient={phone}")).GetArrayLength();

    public async Task RegisterAndActivateAsync(CitizenRecord c)
    {
        await ExpectStatusAsync(HttpStatusCode.Accepted, await DeclareAsync(c));
        var code = await CodeSentToAsync(c.Phone!);
        var activated = await http.PostAsJsonAsync($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = code, password = Password });
        await ExpectStatusAsync(HttpStatusCode.OK, activated);
    }

    /// <summary>Asserts the status; on a mismatch the failure carries the problem body, so a CI log names the cause.</summary>
    public static async Task ExpectStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode == expected) return;
        var body = await response.Content.ReadAsStringAsync();
        Assert.Fail($"Expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
    }

    public async Task<HttpResponseMessage> LogInAsync(string idNumber, string password = Password, string? stepUpCode = null) =>
        await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password, stepUpCode });

    public async Task<HttpResponseMessage> RequestStepUpAsync(string idNumber, string password = Password) =>
        await http.PostAsJsonAsync("/api/v1/sessions/step-up", new { idNumber, password });

    /// <summary>An operator's token; a 503 while the cluster settles (the service accounts' grain was on a lost silo) is retried.</summary>
    public async Task<string> OperatorTokenAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage response;
        while ((response = await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId = "operator-01", clientSecret = "Operator#Dev2026", code = DemoStaff.Code("operator-01") }))
               .StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public async Task<HttpResponseMessage> StatusAsync(string idNumber, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{idNumber}/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    /// <summary>The account's status once the gateway can reach it, retrying while the cluster settles.</summary>
    public async Task<string> SettledStatusAsync(string idNumber, string token, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var response = await StatusAsync(idNumber, token);
                if (response.IsSuccessStatusCode)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{idNumber} was not readable within {timeout}.");
            await Task.Delay(250);
        }
    }
}
