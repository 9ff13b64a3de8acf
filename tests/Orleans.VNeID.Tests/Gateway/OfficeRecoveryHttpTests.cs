using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Tests.Grains;
using static Orleans.VNeID.Tests.Gateway.HttpJson;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 14, recovery at a police office: the citizen present, portrait and fingerprint matched against the templates on
/// record, then the recovery code to the phone on record (or a new phone given at the desk), over HTTP.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OfficeRecoveryHttpTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    private string Capture(string id, Modality modality, double noise = 0.1) =>
        Convert.ToBase64String(BiometricTemplates.Capture(fixture.Registry.Template(id, modality), noise, 7));

    private object Body(string idNumber, string? phone = null, string? portraitOf = null, string office = "CAP-HG") =>
        Signed(office, idNumber, Capture(portraitOf ?? idNumber, Modality.Portrait), Capture(portraitOf ?? idNumber, Modality.Fingerprint), phone);

    /// <summary>A recovery body as the office's capture device signed it.</summary>
    private object Signed(string office, string idNumber, string portraitTemplate, string fingerprintTemplate, string? phone = null)
    {
        var (deviceId, capturedAt, deviceSignature) = fixture.SignCapture(office, idNumber, portraitTemplate, fingerprintTemplate);
        return new { idNumber, portraitTemplate, fingerprintTemplate, phone, deviceId, capturedAt, deviceSignature };
    }

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
        // The desk learns that the capture matched, never a score.
        Assert.False(receipt.TryGetProperty("portraitScore", out _));
        Assert.DoesNotContain("score", receipt.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"/api/v1/recovery/{citizen.IdNumber}/password", receipt.GetProperty("completeUrl").GetString());

        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, sent + 1))[^1]);
        var completed = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password", new { otp = code, newPassword = "Desk#Reset2026" });
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        Assert.NotEmpty(await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Desk#Reset2026"));
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.RecoveryRequested);
        Assert.Contains(trail, e => e.Kind == AccountEventKind.RecoveryRequested && e.ActorId == "officer-hn-01" && e.Reason!.Contains("CAP-HG"));
    }

    [Fact]
    public async Task Rule_recovery_at_an_office_moves_the_code_to_a_new_phone_only_when_a_second_officer_confirms_and_tells_the_previous_one()
    {
        var (http, officer) = await DeskAsync();
        var second = await _gateway.ServiceTokenAsync(http, "officer-test-03", "Officer#Dev2026");
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var before = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        const string newPhone = "0977000111";

        var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer,
            Body(citizen.IdNumber, phone: newPhone)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await Json(response);
        Assert.True(receipt.GetProperty("awaitingSecondOfficer").GetBoolean());
        var confirmUrl = receipt.GetProperty("confirmUrl").GetString()!;
        // The phone on record is told at once; nothing reaches the new phone yet.
        Assert.Contains("chuyen so dien thoai", (await fixture.Sender.WaitForAsync(citizen.Phone!, before + 1))[^1].Body);
        await Task.Delay(200);
        Assert.Empty(fixture.Sender.To(newPhone));

        // The officer who recorded it cannot confirm it; another officer of the office can.
        var self = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, confirmUrl, officer));
        Assert.Equal("second_person_required", (await Json(self)).GetProperty("code").GetString());
        var confirmed = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, confirmUrl, second));
        Assert.Equal(HttpStatusCode.Accepted, confirmed.StatusCode);
        var code = RecordingSender.CodeIn(await fixture.Sender.WaitForAsync(newPhone, m => m.Body.Contains("khoi phuc")));
        // The previous phone is told that the phone changed, and never sees the code.
        var told = (await fixture.Sender.WaitForAsync(citizen.Phone!, before + 2)).Skip(before).ToArray();
        Assert.DoesNotContain(told, m => m.Body.Contains(code));
        Assert.Equal(HttpStatusCode.NoContent,
            (await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password", new { otp = code, newPassword = "Desk#Reset2026" })).StatusCode);
        Assert.Equal("nothing_to_confirm", (await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, confirmUrl, second)))).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Takeover_probing_captures_learn_nothing_and_lock_the_probing_officer_and_the_citizen_is_told()
    {
        var (http, officer) = await DeskAsync("officer-test-04");
        var victim = await _gateway.ActiveCitizenAsync(http);
        var sent = (await fixture.Sender.WaitForAsync(victim.Phone!, 1)).Count;
        var answers = new List<string>();
        // 64 unit vectors, each a portrait and a fingerprint probe: the attack that rebuilt the template from the scores.
        for (var i = 0; i < 64; i++)
        {
            var probe = new byte[BiometricTemplates.Length];
            probe[i] = 100;
            var body = Signed("CAP-BN", victim.IdNumber, Convert.ToBase64String(probe), Convert.ToBase64String(probe), "0977000222");
            var answer = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-BN/recoveries", officer, body));
            var text = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain("score", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("threshold", text, StringComparison.OrdinalIgnoreCase);
            answers.Add((await Json(answer)).GetProperty("code").GetString()!);
        }
        Assert.Equal(["biometrics_mismatch", "biometrics_mismatch", "biometrics_mismatch"], answers[..3]);
        Assert.All(answers[3..], a => Assert.Equal("biometric_attempts_exceeded", a));
        // Even a genuine capture for that citizen now waits; the officer's other citizens too, once the officer's budget is spent.
        Assert.Equal("biometric_attempts_exceeded", (await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            "/api/v1/offices/CAP-BN/recoveries", officer, Body(victim.IdNumber, office: "CAP-BN"))))).GetProperty("code").GetString());
        var trail = await fixture.Audit.WaitForAsync(victim.IdNumber, AccountEventKind.BiometricsRefused);
        Assert.Equal(3, trail.Count(e => e.Kind == AccountEventKind.BiometricsRefused && e.ActorId == "officer-test-04"));
        Assert.Contains("sinh trac hoc", (await fixture.Sender.WaitForAsync(victim.Phone!, sent + 3))[^1].Body);
        Assert.Empty(fixture.Sender.To("0977000222"));
    }

    [Fact]
    public async Task Forged_a_capture_whose_portrait_matches_but_whose_fingerprint_is_someone_elses_is_refused_as_suspect()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var body = Signed("CAP-HG", citizen.IdNumber, Capture(citizen.IdNumber, Modality.Portrait), Capture(fixture.NewCitizen().IdNumber, Modality.Fingerprint));
        var answer = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer, body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Equal("biometrics_suspect", (await Json(answer)).GetProperty("code").GetString());
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.BiometricsRefused);
        Assert.Contains(trail, e => e.Kind == AccountEventKind.BiometricsRefused && e.Reason!.Contains("suspect"));
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

        var elsewhere = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-BN/recoveries", officer, Body(citizen.IdNumber, office: "CAP-BN")));
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
        // The failed match and the lock were told; no code was sent.
        Assert.Equal(sent + 2, fixture.Sender.To(citizen.Phone!).Count);
        Assert.DoesNotContain(fixture.Sender.To(citizen.Phone!), m => m.Body.Contains("khoi phuc"));
    }

    [Fact]
    public async Task Forged_templates_not_signed_moments_ago_by_a_device_of_this_office_for_this_citizen_are_refused()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var sent = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        var (portrait, fingerprint) = (Capture(citizen.IdNumber, Modality.Portrait), Capture(citizen.IdNumber, Modality.Fingerprint));
        async Task<string> CodeOf(object body) =>
            (await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer, body)))).GetProperty("code").GetString()!;

        // Signed by the other office's device; for another citizen; a signature of other templates; too old.
        Assert.Equal("capture_not_trusted", await CodeOf(Signed("CAP-BN", citizen.IdNumber, portrait, fingerprint)));
        var other = fixture.SignCapture("CAP-HG", fixture.NewCitizen().IdNumber, portrait, fingerprint);
        Assert.Equal("capture_not_trusted", await CodeOf(new { idNumber = citizen.IdNumber, portraitTemplate = portrait, fingerprintTemplate = fingerprint,
            deviceId = other.DeviceId, capturedAt = other.CapturedAt, deviceSignature = other.DeviceSignature }));
        var stale = fixture.SignCapture("CAP-HG", citizen.IdNumber, portrait, fingerprint);
        fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("capture_not_trusted", await CodeOf(new { idNumber = citizen.IdNumber, portraitTemplate = portrait, fingerprintTemplate = fingerprint,
            deviceId = stale.DeviceId, capturedAt = stale.CapturedAt, deviceSignature = stale.DeviceSignature }));
        // Unsigned: a validation error naming the fields.
        var unsigned = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer,
            new { idNumber = citizen.IdNumber, portraitTemplate = portrait, fingerprintTemplate = fingerprint }));
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.True((await Json(unsigned)).GetProperty("errors").TryGetProperty("deviceSignature", out _));
        // None of it counted as a failed match, and nothing was sent.
        await Task.Delay(200);
        Assert.Equal(sent, fixture.Sender.To(citizen.Phone!).Count);
        fixture.AdvanceToOfficeHours();
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/recoveries", officer, Body(citizen.IdNumber)))).StatusCode);
    }
}
