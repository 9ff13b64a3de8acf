using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 29's papers, against the real registers' stand-in: a driving licence the register gives the citizen is
/// integrated by the owner, issued as a credential of its own, and revoked by its register.
/// </summary>
public static class PaperCredentialSteps
{
    public const string Configuration = "vn.vneid.driving_licence";

    /// <summary>The licence register issues the citizen a licence (its number: the ID number's digits reversed).</summary>
    public static async Task<string> LicenceInRegisterAsync(PlatformFixture platform, string idNumber)
    {
        var number = new string(idNumber.Reverse().ToArray());
        await platform.ExecuteAsync(
            "insert into registers.documents (kind, number, holder_id_number, issuer, valid_from, valid_until) " +
            "values (0, $1, $2, 'Sở Giao thông vận tải Hà Nội', date '2024-01-01', date '2034-01-01') " +
            "on conflict (kind, number) do update set holder_id_number = excluded.holder_id_number, revoked_at = null, valid_until = excluded.valid_until",
            number, idNumber);
        return number;
    }

    /// <summary>The owner asks for it from the register ("Tích hợp thông tin"): the wallet then holds it.</summary>
    public static async Task IntegrateAsync(HttpClient http, string idNumber, string token, string number)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{idNumber}/documents/from-register")
        {
            Content = JsonContent.Create(new { kind = "driverLicence", number }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        await PlatformApi.ExpectStatusAsync(HttpStatusCode.OK, response);
        var wallet = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(wallet.EnumerateArray(), d => d.GetProperty("number").GetString() == number && d.GetProperty("verifiedBy").GetString() == "register");
    }

    /// <summary>Whether the owner's wallet lists the paper.</summary>
    public static async Task<bool> InWalletAsync(HttpClient http, string idNumber, string token, string number)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{idNumber}/wallet");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var wallet = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        return wallet.EnumerateArray().Any(d => d.GetProperty("number").GetString() == number);
    }

    /// <summary>The register revokes the licence.</summary>
    public static Task RevokeAsync(PlatformFixture platform, string number) =>
        platform.ExecuteAsync("update registers.documents set revoked_at = now(), changed_at = now() where kind = 0 and number = $1", number);
}
