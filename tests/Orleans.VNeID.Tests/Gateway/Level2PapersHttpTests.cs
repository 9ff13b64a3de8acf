using System.Net;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Tests.Grains;
using static Orleans.VNeID.Tests.Gateway.HttpJson;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 29: papers enter a level-2 wallet only as their issuing registers state them — added by an officer of the
/// dossier's office during its visit, or asked for by the owner from the account ("Tích hợp thông tin").
/// </summary>
public sealed partial class Level2AtTheDeskHttpTests
{
    [Fact]
    public async Task Papers_enter_a_wallet_only_from_their_registers_and_officers_add_them_only_within_a_dossier_of_their_office()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var opened = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen))));
        var dossier = opened.GetProperty("dossierCode").GetString()!;
        var sms = (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1];
        var token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/level2/confirmation", token,
            new { otp = RecordingSender.CodeIn(sms) }))).StatusCode);
        token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");

        // Each citizen's own numbers (tests run side by side): a plate, a revoked licence, another person's social insurance.
        var id = citizen.IdNumber;
        string plate = "29A-" + id[^5..], revoked = "9" + id[1..], othersInsurance = "9" + id[3..], ownInsurance = id[2..];
        fixture.Papers.Register(id, DocumentKind.VehicleRegistration, plate);
        fixture.Papers.Register(id, DocumentKind.DriverLicence, revoked, revoked: true);
        fixture.Papers.Register("001199000001", DocumentKind.SocialInsurance, othersInsurance);
        fixture.Papers.Register(id, DocumentKind.SocialInsurance, ownInsurance);
        Task<HttpResponseMessage> Paper(string staff, object body) =>
            http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/offices/CAP-HG/dossiers/{dossier}/papers", staff, body));

        // The officer, during the visit: the register decides, each refusal with its own code.
        var added = await Paper(officer, new { kind = "vehicleRegistration", number = plate });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var vehicle = (await Json(added)).EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "vehicleRegistration");
        Assert.Equal(("Sở Giao thông vận tải Hà Nội", "2034-01-01"), (vehicle.GetProperty("issuer").GetString(), vehicle.GetProperty("validUntil").GetString()));
        Assert.Equal("document_revoked", (await Json(await Paper(officer, new { kind = "driverLicence", number = revoked }))).GetProperty("code").GetString());
        Assert.Equal("document_other_person", (await Json(await Paper(officer, new { kind = "socialInsurance", number = othersInsurance }))).GetProperty("code").GetString());
        Assert.Equal("document_not_registered", (await Json(await Paper(officer, new { kind = "healthInsuranceCard", number = "GD4000000000001" }))).GetProperty("code").GetString());
        // The chip card and the passport are never typed; a number must have its register's form.
        Assert.Equal(HttpStatusCode.BadRequest, (await Paper(officer, new { kind = "idCard", number = id })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Paper(officer, new { kind = "passport", number = "C1234567" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Paper(officer, new { kind = "driverLicence", number = "AB-12" })).StatusCode);
        // Another office's officer cannot; nor can anyone once the visit's day is over.
        var elsewhere = await _gateway.ServiceTokenAsync(http, "officer-hcm-01", "Officer#Dev2026");
        Assert.Equal("cross_office", (await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/offices/CAP-BN/dossiers/{dossier}/papers", elsewhere, new { kind = "vehicleRegistration", number = plate })))).GetProperty("code").GetString());

        // The owner asks for their own paper from its register; another person's answers as if the register had none.
        Task<HttpResponseMessage> Integrate(string number) => http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{id}/documents/from-register", token, new { kind = "socialInsurance", number }));
        var integrated = await Integrate(ownInsurance);
        Assert.Equal(HttpStatusCode.OK, integrated.StatusCode);
        Assert.Equal("register", (await Json(integrated)).EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "socialInsurance")
            .GetProperty("verifiedBy").GetString());
        Assert.Equal("document_not_registered", (await Json(await Integrate(othersInsurance))).GetProperty("code").GetString());
        // Its register revokes it: the wallet no longer shows it (the plate still stands).
        fixture.Papers.Register(id, DocumentKind.SocialInsurance, ownInsurance, revoked: true);
        var wallet = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{id}/wallet", token)));
        Assert.DoesNotContain(wallet.EnumerateArray(), d => d.GetProperty("number").GetString() == ownInsurance);
        Assert.Contains(wallet.EnumerateArray(), d => d.GetProperty("number").GetString() == plate);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{id}/documents/from-register", officer, new { kind = "socialInsurance", number = ownInsurance }))).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        fixture.AdvanceToOfficeHours();
        officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        Assert.Equal("dossier_not_open", (await Json(await Paper(officer, new { kind = "vehicleRegistration", number = plate }))).GetProperty("code").GetString());
    }
}
