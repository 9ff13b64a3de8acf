using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 14, recovery at a police office: the citizen present, portrait and fingerprint matched against the templates on
/// record, then the recovery code to the phone on record (or a new phone given at the desk), over HTTP.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OfficeRecoveryHttpTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    private static string Capture(string id, Modality modality, double noise = 0.1) =>
        Convert.ToBase64String(BiometricTemplates.Capture(BiometricTemplates.Enrolled(id, modality), noise, 7));

    private static object Body(string idNumber, string? phone = null, string? portraitOf = null) => new
    {
        idNumber,
        portraitTemplate = Capture(portraitOf ?? idNumber, Modality.Portrait),
        fingerprintTemplate = Capture(portraitOf ?? idNumber, Modality.Fingerprint),
        phone,
    };

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<(HttpClient Http, string Officer)> DeskAsync(string officer = "officer-hn-01")
    {
        fixture.AdvanceToOfficeHours();
        var http = _gateway.CreateClient();
        return (http, await _gateway.ServiceTokenAsync(http, officer, "Officer#Dev2026"));
    }

    [Fact]
    public async Task Rule_recovery_at_an_office_matches_the_citizen_in_person_and_sends_the_code_to_the_phone_on_record()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var sent = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61)); // past the activation code's resend cooldown

        var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer, Body(citizen.IdNumber)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await Json(response);
        Assert.Equal(AccountViews.MaskPhone(citizen.Phone), receipt.GetProperty("codeSentTo").GetString());
        Assert.True(receipt.GetProperty("portraitScore").GetDouble() >= 0.9);
        Assert.Equal($"/api/v1/recovery/{citizen.IdNumber}/password", receipt.GetProperty("completeUrl").GetString());

        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, sent + 1))[^1]);
        var completed = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password", new { otp = code, newPassword = "Desk#Reset2026" });
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        Assert.NotEmpty(await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Desk#Reset2026"));
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.RecoveryRequested);
        Assert.Contains(trail, e => e.Kind == AccountEventKind.RecoveryRequested && e.ActorId == "officer-hn-01" && e.Reason!.Contains("CAP-HG"));
    }

    [Fact]
    public async Task Rule_recovery_at_an_office_sends_the_code_to_a_new_phone_and_tells_the_previous_one()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var before = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        const string newPhone = "0977000111";

        var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer,
            Body(citizen.IdNumber, phone: newPhone)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var code = RecordingSender.CodeIn(await fixture.Sender.WaitForAsync(newPhone, m => m.Body.Contains("khoi phuc")));
        // The previous phone is told that the phone changed, and never sees the code.
        var told = (await fixture.Sender.WaitForAsync(citizen.Phone!, before + 1)).Skip(before).ToArray();
        Assert.NotEmpty(told);
        Assert.DoesNotContain(told, m => m.Body.Contains(code));
        Assert.Equal(HttpStatusCode.NoContent,
            (await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password", new { otp = code, newPassword = "Desk#Reset2026" })).StatusCode);
    }

    [Fact]
    public async Task Rule_recovery_at_an_office_refuses_a_capture_that_does_not_match_another_office_and_a_locked_account()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var sent = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        var impostor = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer,
            Body(citizen.IdNumber, portraitOf: fixture.NewCitizen().IdNumber)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, impostor.StatusCode);
        Assert.Equal("biometrics_mismatch", (await Json(impostor)).GetProperty("code").GetString());

        var elsewhere = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-BN/recoveries", officer, Body(citizen.IdNumber)));
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal("cross_office", (await Json(elsewhere)).GetProperty("code").GetString());

        var anonymous = await http.PostAsJsonAsync("/api/v1/offices/CAP-HG/recoveries", Body(citizen.IdNumber));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var bad = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer,
            new { idNumber = citizen.IdNumber, portraitTemplate = "AAAA", fingerprintTemplate = "AAAA", phone = "12" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Json(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("portraitTemplate", out _) && errors.TryGetProperty("phone", out _));

        await fixture.Account(citizen).LockAsync(new Actor(ActorRole.Citizen, citizen.IdNumber), "lost phone");
        var locked = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer, Body(citizen.IdNumber)));
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Equal("account_locked", (await Json(locked)).GetProperty("code").GetString());
        Assert.Equal(sent + 1, fixture.Sender.To(citizen.Phone!).Count); // the lock notice only: no code was sent
    }
}
