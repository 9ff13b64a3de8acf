using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;
using static Orleans.VNeID.Tests.Gateway.HttpJson;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 14, foreigners (Decree 59/2022; Decision 34 art. 6 §4 a): level 1 on the passport matched against the immigration
/// database, level 2 at an office with the passport presented and the templates taken at entry, over HTTP.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForeignerHttpTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    private string Capture(string key, Modality modality) =>
        Convert.ToBase64String(BiometricTemplates.Capture(fixture.Registry.Template(key, modality), 0.1, 7));

    private object Dossier(CitizenRecord f, string? passport, string[]? dependents = null)
    {
        var (portrait, fingerprint) = (Capture(f.IdNumber, Modality.Portrait), Capture(f.IdNumber, Modality.Fingerprint));
        var (deviceId, capturedAt, deviceSignature) = fixture.SignCapture("CAP-HG", f.IdNumber, portrait, fingerprint);
        return new
        {
            submissionId = Guid.NewGuid().ToString("N"),
            idNumber = f.IdNumber,
            hasChipCard = false,
            cardNumber = passport,
            phone = f.Phone,
            documents = Array.Empty<object>(),
            dependents = dependents ?? [],
            consentRecorded = true,
            portraitTemplate = portrait,
            fingerprintTemplate = fingerprint,
            deviceId, capturedAt, deviceSignature,
        };
    }

    [Fact]
    public async Task Rule_a_foreigner_declares_activates_and_logs_in_on_the_passport_and_reaches_level_two_with_it_at_an_office()
    {
        var http = _gateway.CreateClient();
        var foreigner = fixture.NewForeigner();

        // Level 1: the passport key, the name as the passport writes it, birth date and gender, matched against the immigration database.
        var declared = await http.PostAsJsonAsync("/api/v1/accounts", GatewayFactory.DeclarationBody(foreigner));
        Assert.Equal(HttpStatusCode.Accepted, declared.StatusCode);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(foreigner.Phone!, 1))[0]);
        var activated = await http.PostAsJsonAsync($"/api/v1/accounts/{foreigner.IdNumber}/activation", new { otp = code, password = "Nhoquan@123" });
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var token = await _gateway.CitizenTokenAsync(http, foreigner.IdNumber, "Nhoquan@123");
        var profile = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{foreigner.IdNumber}/profile", token)));
        var fields = profile.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal(("Foreigner", "FRA", "FRA", foreigner.CardNumber), (fields["identityKind"], fields["nationality"], fields["passportIssuingCountry"], fields["passportNumber"]));
        Assert.False(fields.ContainsKey("birthRegistrationPlace"));

        // Level 2: the passport presented at the desk, the biometrics matched against the templates taken at entry.
        fixture.AdvanceToOfficeHours();
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(foreigner, foreigner.CardNumber))));
        Assert.Equal("approved", receipt.GetProperty("status").GetString());
        var upgradeCode = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(foreigner.Phone!, 3))[^1]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{foreigner.IdNumber}/level2/confirmation", token, new { otp = upgradeCode }))).StatusCode);

        token = await _gateway.CitizenTokenAsync(http, foreigner.IdNumber, "Nhoquan@123");
        var wallet = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{foreigner.IdNumber}/wallet", token)));
        // Rule: for a foreigner, level 2 stands on the passport, and the wallet shows it (not a chip ID card).
        var passport = Assert.Single(wallet.EnumerateArray());
        Assert.Equal(("passport", foreigner.CardNumber, "FRA", foreigner.CardExpiresOn!.Value.ToString("yyyy-MM-dd")),
            (passport.GetProperty("kind").GetString(), passport.GetProperty("number").GetString(), passport.GetProperty("issuer").GetString(),
             passport.GetProperty("validUntil").GetString()));
        // A foreigner has no children in the population database.
        var children = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{foreigner.IdNumber}/children", token)));
        Assert.Equal(0, children.GetArrayLength());
    }

    [Fact]
    public async Task Rule_an_expired_or_other_passport_refuses_a_foreigners_dossier_there_is_no_card_path()
    {
        var http = _gateway.CreateClient();
        fixture.AdvanceToOfficeHours();
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var expired = fixture.NewForeigner(country: "USA", fullName: "John Smith", gender: Orleans.VNeID.Identity.Gender.Male, expiredPassport: true);
        var other = fixture.NewForeigner(country: "KOR", fullName: "Kim Min Jun", gender: Orleans.VNeID.Identity.Gender.Male);
        foreach (var (who, presented, why) in new[] { (expired, expired.CardNumber, "expired"), (other, "M00000000", "not passport") })
        {
            var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(who, presented))));
            Assert.Equal("rejected", receipt.GetProperty("status").GetString());
            Assert.Contains(why, receipt.GetProperty("reason").GetString());
        }
        // Without the passport number the desk request itself is refused; dependents are a citizen parent's.
        var missing = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(other, null)));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await Json(missing)).GetProperty("errors").TryGetProperty("cardNumber", out _));
        var child = fixture.NewCitizen(age: 5);
        var withChild = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(other, other.CardNumber, [child.IdNumber]))));
        Assert.Equal("rejected", withChild.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Rule_a_foreigners_declaration_must_match_the_immigration_database_and_keys_are_canonical()
    {
        var http = _gateway.CreateClient();
        var foreigner = fixture.NewForeigner(country: "DEU", fullName: "Lukas Muller", gender: Orleans.VNeID.Identity.Gender.Male);
        // Another birth date: the same answer as an unknown passport.
        var wrong = await http.PostAsJsonAsync("/api/v1/accounts", new
        {
            idNumber = foreigner.IdNumber, fullName = foreigner.FullName, dateOfBirth = foreigner.DateOfBirth.AddDays(1).ToString("yyyy-MM-dd"), gender = "male",
        });
        var unknown = await http.PostAsJsonAsync("/api/v1/accounts", new
        {
            idNumber = "DEU-C00000000", fullName = foreigner.FullName, dateOfBirth = foreigner.DateOfBirth.ToString("yyyy-MM-dd"), gender = "male",
        });
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal((await Json(wrong)).GetProperty("code").GetString(), (await Json(unknown)).GetProperty("code").GetString());
        // A lower-case key, or an unknown country, is refused before any grain: one person, one key.
        fixture.AdvanceToOfficeHours();
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        foreach (var key in new[] { foreigner.IdNumber.ToLowerInvariant(), "ZZZ-C01X00T47" })
        {
            var refused = await http.PostAsJsonAsync("/api/v1/accounts", new { idNumber = key, fullName = "Lukas Muller", dateOfBirth = "1990-01-01", gender = "male" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("idNumber", out _));
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{key}/status", officer))).StatusCode);
        }
    }
}
