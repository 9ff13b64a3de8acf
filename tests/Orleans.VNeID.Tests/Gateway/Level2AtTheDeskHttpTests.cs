using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;
using static Orleans.VNeID.Tests.Gateway.HttpJson;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Level 2 at the officer's desk, over HTTP against the in-process cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class Level2AtTheDeskHttpTests(ClusterFixture fixture)
{
    // One gateway host shared by every test of the collection (see ClusterFixture.GatewayHost).
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    private string Capture(string id, Modality modality, double noise = 0.1) =>
        Convert.ToBase64String(BiometricTemplates.Capture(fixture.Registry.Template(id, modality), noise, 7));

    private object Dossier(CitizenRecord c, string? submission = null, bool chipCard = true, string? portrait = null,
        string? fingerprint = null, string[]? dependents = null, string? cardNumber = null, string office = "CAP-HG")
    {
        portrait ??= Capture(c.IdNumber, Modality.Portrait);
        fingerprint ??= Capture(c.IdNumber, Modality.Fingerprint);
        var (deviceId, capturedAt, deviceSignature) = fixture.SignCapture(office, c.IdNumber, portrait, fingerprint);
        // The papers the citizen presents stand in their registers (each citizen's own numbers: tests run side by side).
        fixture.Papers.Register(c.IdNumber, DocumentKind.DriverLicence, c.IdNumber);
        fixture.Papers.Register(c.IdNumber, DocumentKind.HealthInsuranceCard, "DN4" + c.IdNumber);
        return new
        {
            submissionId = submission ?? Guid.NewGuid().ToString("N"),
            idNumber = c.IdNumber,
            hasChipCard = chipCard,
            cardNumber,
            phone = c.Phone,
            documents = new object[]
            {
                new { kind = "driverLicence", number = c.IdNumber, issuer = "Sở Giao thông vận tải Hà Nội", validUntil = "2034-01-01" },
                new { kind = "healthInsuranceCard", number = "DN4" + c.IdNumber, issuer = "Bảo hiểm xã hội Việt Nam" },
            },
            dependents = dependents ?? [],
            consentRecorded = true,
            portraitTemplate = portrait,
            fingerprintTemplate = fingerprint,
            deviceId, capturedAt, deviceSignature,
        };
    }

    private async Task<(HttpClient Http, string Officer)> DeskAsync(string officer = "officer-hn-01")
    {
        fixture.AdvanceToOfficeHours();
        var http = _gateway.CreateClient();
        return (http, await _gateway.ServiceTokenAsync(http, officer, "Officer#Dev2026"));
    }

    [Fact]
    public async Task A_level_one_citizen_becomes_level_two_at_a_commune_office()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var opened = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen)));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var receipt = await Json(opened);
        Assert.Equal("approved", receipt.GetProperty("status").GetString());
        var code = receipt.GetProperty("dossierCode").GetString()!;
        Assert.True(DossierCode.TryParse(code, out _));
        Assert.Contains("-1012-", code);
        var today = VietnamTime.Today(fixture.Clock);
        var calendar = new Orleans.VNeID.Grains.Offices.WorkingCalendar(new Orleans.VNeID.Grains.Offices.CalendarOptions());
        Assert.Equal(calendar.AddWorkingDays(today, 3), DateOnly.Parse(receipt.GetProperty("appointmentDate").GetString()!));

        var sms = (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1];
        Assert.Contains("muc do 2", sms.Body);
        // Rule: upgrading keeps level 1 (issue 14). Until the code comes back the account is used at level 1, with its password.
        var waiting = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/status", officer)));
        Assert.Equal(("pendingUpgrade", "level1", "level2"), (waiting.GetProperty("status").GetString(), waiting.GetProperty("level").GetString(),
            waiting.GetProperty("activationTarget").GetString()));
        var token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");
        var confirmed = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/level2/confirmation", token,
            new { otp = RecordingSender.CodeIn(sms) }));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        // No new password was asked for: the old one logs in, now at level 2.
        token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");
        var status = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/status", token)));
        Assert.Equal("level2", status.GetProperty("level").GetString());

        // Rule: notices reach the app too (issue 14): the list holds what the messages said, never a code.
        var notices = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/notices", token)));
        var texts = notices.EnumerateArray().Select(n => n.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.Contains("Mã kích hoạt tài khoản định danh điện tử mức độ 2 đã được gửi", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("đã được kích hoạt", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains(RecordingSender.CodeIn(sms), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden,
            (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/notices", officer))).StatusCode);

        var wallet = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/wallet", token)));
        // Rule: the chip card itself is in the level-2 wallet, from the registry (issue 14).
        Assert.Equal(["driverLicence", "healthInsuranceCard", "idCard"], wallet.EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
        var card = wallet.EnumerateArray().Last();
        Assert.Equal((citizen.CardNumber, "2022-01-01", citizen.DateOfBirth.AddYears(40).ToString("yyyy-MM-dd")),
            (card.GetProperty("number").GetString(), card.GetProperty("validFrom").GetString(), card.GetProperty("validUntil").GetString()));
        Assert.All(wallet.EnumerateArray(), d => Assert.Equal("CAP-HG", d.GetProperty("verifiedAtOffice").GetString()));

        var security = receipt.GetProperty("securityCode").GetString()!;
        // Rule: the lookup needs the check code shown with a fresh challenge, beside the printed codes (issue 14).
        async Task<string> ChallengeQuery(bool echoRightCode = true)
        {
            var challenge = await Json(await http.PostAsync("/api/v1/dossiers/lookup-challenges", null));
            var shown = challenge.GetProperty("checkCode").GetString()!;
            var echoed = echoRightCode ? shown.ToLowerInvariant() : (shown[0] == 'A' ? "B" : "A") + shown[1..];
            return $"challenge={Uri.EscapeDataString(challenge.GetProperty("challenge").GetString()!)}&checkCode={echoed}";
        }
        var once = await ChallengeQuery();
        var lookUp = await Json(await http.GetAsync($"/api/v1/dossiers/{code}?securityCode={security}&{once}"));
        Assert.Equal("approved", lookUp.GetProperty("status").GetString());
        // A lookup screen's check code works once.
        Assert.Equal("check_code_invalid", (await Json(await http.GetAsync($"/api/v1/dossiers/{code}?securityCode={security}&{once}"))).GetProperty("code").GetString());
        Assert.Equal(["dossierCode", "status", "appointmentDate"], lookUp.EnumerateObject().Select(p => p.Name));
        var wrong = await http.GetAsync($"/api/v1/dossiers/{code}?securityCode=WRONG123&{await ChallengeQuery()}");
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var typo = code[..^1] + (code[^1] == '0' ? '1' : '0');
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/v1/dossiers/{typo}?securityCode={security}&{await ChallengeQuery()}")).StatusCode);
        var wrongCheck = await http.GetAsync($"/api/v1/dossiers/{code}?securityCode={security}&{await ChallengeQuery(echoRightCode: false)}");
        Assert.Equal("check_code_invalid", (await Json(wrongCheck)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/v1/dossiers/{code}?securityCode={security}")).StatusCode);
    }

    [Fact]
    public async Task A_mismatching_template_rejects_the_dossier_and_leaves_the_account_untouched()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var stranger = fixture.NewCitizen();
        var opened = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(citizen, portrait: Capture(stranger.IdNumber, Modality.Portrait), fingerprint: Capture(stranger.IdNumber, Modality.Fingerprint))));
        var receipt = await Json(opened);
        Assert.Equal("rejected", receipt.GetProperty("status").GetString());
        Assert.Contains("do not match", receipt.GetProperty("reason").GetString());

        var account = (await fixture.Account(citizen).GetAsync())!;
        Assert.Equal((AccountStatus.Level1, AccountLevel.None), (account.Status, account.ActivationTarget));
        // The citizen is told of the failed match and of the result; no code was sent.
        var messages = await fixture.Sender.WaitForAsync(citizen.Phone!, 4);
        Assert.Contains(messages, m => m.Body.Contains("doi chieu sinh trac hoc") && m.Body.Contains("khong khop"));
        // Rule: the outcome in plain words (issue 14): rejected, why, and that the account is as it was.
        var outcome = messages.Single(m => m.Body.Contains("khong duoc chap nhan"));
        Assert.Contains("khong duoc chap nhan: anh chan dung va van tay khong khop", outcome.Body);
        Assert.Contains("giu nguyen", outcome.Body);
        await Task.Delay(200);
        Assert.Equal(4, fixture.Sender.To(citizen.Phone!).Count);
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.BiometricsRefused);
        Assert.Contains(trail, e => e.Kind == AccountEventKind.BiometricsRefused && e.ActorId == "officer-hn-01" && e.Reason!.Contains("CAP-HG"));
    }

    [Fact]
    public async Task An_officer_receives_only_at_their_own_office_and_only_in_office_hours()
    {
        var (http, hcmOfficer) = await DeskAsync("officer-hcm-01");
        var citizen = fixture.NewCitizen();
        var cross = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", hcmOfficer, Dossier(citizen)));
        Assert.Equal(HttpStatusCode.Forbidden, cross.StatusCode);
        Assert.Equal("cross_office", (await Json(cross)).GetProperty("code").GetString());

        // Saturday 15:00 in Vietnam.
        var now = fixture.Clock.GetUtcNow().ToOffset(VietnamTime.Offset);
        var saturday = now.Date.AddDays(((int)DayOfWeek.Saturday - (int)now.DayOfWeek + 7) % 7 + 7).AddHours(15);
        fixture.Clock.Advance(new DateTimeOffset(saturday, VietnamTime.Offset) - fixture.Clock.GetUtcNow());
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var closed = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closed.StatusCode);
        var problem = await Json(closed);
        Assert.Equal("office_closed", problem.GetProperty("code").GetString());
        Assert.Contains("office hours", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Re_submitting_the_same_dossier_returns_the_same_receipt_and_sends_one_code()
    {
        var (http, officer) = await DeskAsync();
        var citizen = fixture.NewCitizen();
        var body = Dossier(citizen, submission: "desk-42-" + citizen.IdNumber);
        var first = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, body)));
        var second = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, body)));
        Assert.Equal(first.GetRawText(), second.GetRawText());
        await fixture.Sender.WaitForAsync(citizen.Phone!, 1);
        await Task.Delay(200);
        Assert.Single(fixture.Sender.To(citizen.Phone!));
        // A citizen without an account got one, waiting for level-2 activation.
        var account = (await fixture.Account(citizen).GetAsync())!;
        Assert.Equal((AccountStatus.PendingActivation, AccountLevel.Level2), (account.Status, account.ActivationTarget));
    }

    [Fact]
    public async Task A_locked_account_is_not_upgraded()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        await fixture.Account(citizen).LockAsync(new Actor(ActorRole.Citizen, citizen.IdNumber), "lost phone");
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen))));
        Assert.Equal("rejected", receipt.GetProperty("status").GetString());
        Assert.Contains("locked", receipt.GetProperty("reason").GetString());
        Assert.Equal(AccountStatus.Locked, (await fixture.Account(citizen).GetAsync())!.Status);
    }

    [Theory]
    [InlineData("idCard")]
    [InlineData("passport")]
    public async Task An_officer_never_types_in_an_id_card_or_a_passport(string kind)
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var dossier = (await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, Dossier(citizen)))))
            .GetProperty("dossierCode").GetString();
        var add = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/offices/CAP-HG/dossiers/{dossier}/papers", officer,
            new { kind, number = "C1234567" }));
        Assert.Equal(HttpStatusCode.BadRequest, add.StatusCode);
        var problem = await Json(add);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Contains("from its register", problem.GetProperty("errors").GetRawText());
    }

    [Fact]
    public async Task A_level_one_account_holds_no_documents()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");
        fixture.Papers.Register(citizen.IdNumber, DocumentKind.DriverLicence, citizen.IdNumber);
        var add = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/documents/from-register", token,
            new { kind = "driverLicence", number = citizen.IdNumber }));
        Assert.Equal(HttpStatusCode.Conflict, add.StatusCode);
        Assert.Equal("level2_required", (await Json(add)).GetProperty("code").GetString());
        var wallet = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/wallet", officer));
        Assert.Equal("level2_required", (await Json(wallet)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Without_a_chip_card_the_dossier_waits_seven_working_days_and_shows_as_overdue_after()
    {
        var (http, officer) = await DeskAsync();
        var citizen = fixture.NewCitizen(chipCard: false);
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(citizen, chipCard: false))));
        Assert.Equal("awaitingCard", receipt.GetProperty("status").GetString());
        var appointment = DateOnly.Parse(receipt.GetProperty("appointmentDate").GetString()!);
        var calendar = new Orleans.VNeID.Grains.Offices.WorkingCalendar(new Orleans.VNeID.Grains.Offices.CalendarOptions());
        Assert.Equal(calendar.AddWorkingDays(VietnamTime.Today(fixture.Clock), 7), appointment);
        Assert.Null(await fixture.Account(citizen).GetAsync());

        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        fixture.Clock.Advance(TimeSpan.FromDays(12));
        var overdue = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/offices/CAP-HG/dossiers/overdue", operatorToken)));
        Assert.Contains(receipt.GetProperty("dossierCode").GetString(), overdue.EnumerateArray().Select(d => d.GetProperty("dossierCode").GetString()));
        var hcm = await _gateway.ServiceTokenAsync(http, "officer-hcm-01", "Officer#Dev2026");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/offices/CAP-HG/dossiers/overdue", hcm))).StatusCode);

        // The officer who opened the dossier cannot confirm the card; a second person can, once the card exists.
        var code = receipt.GetProperty("dossierCode").GetString()!;
        var cardIssued = $"/api/v1/offices/CAP-HG/dossiers/{code}/card-issued";
        officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var sameOfficer = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, cardIssued, officer));
        Assert.Equal(HttpStatusCode.Forbidden, sameOfficer.StatusCode);
        Assert.Equal("second_person_required", (await Json(sameOfficer)).GetProperty("code").GetString());
        var noCardYet = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, cardIssued, operatorToken));
        Assert.Equal("card_not_issued", (await Json(noCardYet)).GetProperty("code").GetString());
        Assert.Null(await fixture.Account(citizen).GetAsync());

        // The card is issued: the account is issued with it and the dossier leaves the overdue list.
        fixture.Registry.IssueCard(citizen.IdNumber);
        var issued = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, cardIssued, operatorToken)));
        Assert.Equal("approved", issued.GetProperty("status").GetString());
        var account = (await fixture.Account(citizen).GetAsync())!;
        Assert.Equal((AccountStatus.PendingActivation, AccountLevel.Level2), (account.Status, account.ActivationTarget));
        await fixture.Sender.WaitForAsync(citizen.Phone!, m => m.Body.Contains("la ma kich hoat tai khoan dinh danh dien tu muc do 2"));
        overdue = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/offices/CAP-HG/dossiers/overdue", operatorToken)));
        Assert.DoesNotContain(code, overdue.EnumerateArray().Select(d => d.GetProperty("dossierCode").GetString()));
    }

    // Rule: every dossier outcome reaches the citizen (the seed: "qua ứng dụng VNeID hoặc tin nhắn SMS hoặc … thư điện
    // tử"), also one who applies for a first card and has no account yet: the phone given at the desk is told, and the app
    // notice waits under the ID number for the account issued with the card (issue 14).
    [Fact]
    public async Task A_card_applicant_without_an_account_is_told_by_sms_that_the_dossier_waits_for_the_card()
    {
        var (http, officer) = await DeskAsync();
        var citizen = fixture.NewCitizen(chipCard: false);
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(citizen, chipCard: false))));
        Assert.Equal("awaitingCard", receipt.GetProperty("status").GetString());
        Assert.Null(await fixture.Account(citizen).GetAsync());
        var code = receipt.GetProperty("dossierCode").GetString()!;
        var appointment = DateOnly.Parse(receipt.GetProperty("appointmentDate").GetString()!);

        var sms = Assert.Single(await fixture.Sender.WaitForAsync(citizen.Phone!, 1));
        Assert.Equal(NotificationChannel.Sms, sms.Channel);
        Assert.Contains(code, sms.Body);
        Assert.Contains($"ngay hen tra ket qua {appointment:dd/MM/yyyy}", sms.Body);
        var app = Assert.Single(fixture.Sender.To(citizen.IdNumber));
        Assert.Equal(NotificationChannel.App, app.Channel);
        Assert.Contains("thẻ căn cước", app.Body);
    }

    // Rule: only a valid chip card counts (the seed: "còn thời gian hiệu lực"); an expired, lost or other card sends the
    // dossier to the card-application path automatically, with the 7-working-day appointment (issue 14).
    [Fact]
    public async Task An_expired_lost_or_unknown_card_sends_the_dossier_to_the_card_path_with_the_seven_day_appointment()
    {
        var (http, officer) = await DeskAsync();
        var today = VietnamTime.Today(fixture.Clock);
        var calendar = new Orleans.VNeID.Grains.Offices.WorkingCalendar(new Orleans.VNeID.Grains.Offices.CalendarOptions());
        var expired = await _gateway.ActiveCitizenAsync(http); // a level-1 account: told of the outcome
        fixture.Registry.Add(expired with { CardIssuedOn = expired.DateOfBirth.AddYears(20) }); // changed at 25: expired five years ago
        var lost = fixture.NewCitizen();
        fixture.Registry.Add(lost with { CardReportedLostOn = today.AddDays(-3) });
        var other = fixture.NewCitizen();
        foreach (var (citizen, presented, why) in new[] { (expired, (string?)null, "expired"), (lost, null, "reported lost"), (other, "048000000001", "not the valid card") })
        {
            var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
                Dossier(citizen, cardNumber: presented))));
            Assert.Equal("awaitingCard", receipt.GetProperty("status").GetString());
            Assert.Contains(why, receipt.GetProperty("reason").GetString());
            Assert.Contains("card application", receipt.GetProperty("reason").GetString());
            Assert.Equal(calendar.AddWorkingDays(today, 7), DateOnly.Parse(receipt.GetProperty("appointmentDate").GetString()!));
        }
        // Rule: the citizen is told, in plain words, that the dossier waits for the new card and when (issue 14).
        var told = (await fixture.Sender.WaitForAsync(expired.Phone!, 3))[^1].Body;
        Assert.Contains("the can cuoc da het han tu ngay", told);
        Assert.Contains($"ngay hen tra ket qua {calendar.AddWorkingDays(today, 7):dd/MM/yyyy}", told);

        // The presented card, when it is the valid one on record, is a card held: approved at once.
        var holder = fixture.NewCitizen();
        var approved = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(holder, cardNumber: holder.CardNumber))));
        Assert.Equal("approved", approved.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Level_two_without_biometrics_a_dossier_without_templates_is_refused_with_a_card_or_a_card_application()
    {
        var (http, officer) = await DeskAsync();
        foreach (var chipCard in new[] { true, false })
        {
            var citizen = fixture.NewCitizen(chipCard: chipCard);
            var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
                Dossier(citizen, chipCard: chipCard, portrait: "", fingerprint: "")));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await Json(response)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("portraitTemplate", out _) && errors.TryGetProperty("fingerprintTemplate", out _));
        }
    }

    [Fact]
    public async Task Level_two_without_biometrics_a_card_applicants_desk_templates_must_match_the_cards()
    {
        var (http, officer) = await DeskAsync();
        var citizen = fixture.NewCitizen(chipCard: false);
        var stranger = fixture.NewCitizen(chipCard: false);
        // Someone else's face and fingers at the desk, the citizen's card later.
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(citizen, chipCard: false, portrait: Capture(stranger.IdNumber, Modality.Portrait), fingerprint: Capture(stranger.IdNumber, Modality.Fingerprint)))));
        Assert.Equal("awaitingCard", receipt.GetProperty("status").GetString());
        fixture.Registry.IssueCard(citizen.IdNumber);
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        var issued = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/offices/CAP-HG/dossiers/{receipt.GetProperty("dossierCode").GetString()}/card-issued", operatorToken)));
        Assert.Equal("rejected", issued.GetProperty("status").GetString());
        Assert.Contains("do not match", issued.GetProperty("reason").GetString());
        Assert.Null(await fixture.Account(citizen).GetAsync());
    }

    [Fact]
    public async Task Contact_changes_at_the_desk_tell_the_previous_phone_and_staff_access_is_audited()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        const string newPhone = "0977000333";
        var dossier = Dossier(citizen);
        var json = System.Text.Json.JsonSerializer.SerializeToNode(dossier)!.AsObject();
        json["phone"] = newPhone;
        var opened = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, json)));
        Assert.Equal("approved", opened.GetProperty("status").GetString());

        var toOldPhone = (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1];
        Assert.Contains("Thong tin lien he", toOldPhone.Body);
        Assert.Contains("muc do 2", (await fixture.Sender.WaitForAsync(newPhone, 2)).Last(m => m.Body.Contains("muc do 2")).Body);

        // The officer reads the citizen's personal data and integrates a paper: both are events in the citizen's chain.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", officer))).StatusCode);
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.StaffRead);
        var read = trail.Last(e => e.Kind == AccountEventKind.StaffRead);
        Assert.Equal((ActorRole.Officer, "officer-hn-01"), (read.ActorRole, read.ActorId));
        Assert.Contains("CAP-HG", read.Reason);
        var contact = trail.Single(e => e.Kind == AccountEventKind.ContactChanged);
        Assert.Equal("officer-hn-01", contact.ActorId);
    }

    [Fact]
    public async Task Dependents_are_checked_against_the_registry_and_listed_on_the_parent()
    {
        var (http, officer) = await DeskAsync();
        var parent = fixture.NewCitizen(age: 35);
        var child = fixture.NewCitizen(age: 8, chipCard: false, fatherId: parent.IdNumber);
        var notTheirs = fixture.NewCitizen(age: 8, chipCard: false);

        var refused = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(parent, dependents: [notTheirs.IdNumber]))));
        Assert.Equal("rejected", refused.GetProperty("status").GetString());
        Assert.Contains(notTheirs.IdNumber, refused.GetProperty("reason").GetString());

        var accepted = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer,
            Dossier(parent, dependents: [child.IdNumber]))));
        Assert.Equal("approved", accepted.GetProperty("status").GetString());
        var profile = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{parent.IdNumber}/profile", officer)));
        Assert.Equal([child.IdNumber], profile.GetProperty("dependents").EnumerateArray().Select(d => d.GetString()));
        var sources = profile.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("source").GetString());
        Assert.Equal("verifiedByRegistry", sources["fullName"]);
        Assert.Equal("verifiedByRegistry", sources["phone"]);
        Assert.Equal("selfDeclared", sources["email"]);

        // Rule: a parent's level-2 account lists their children under 14 from the registry, with their ID numbers (issue 14).
        var younger = fixture.NewCitizen(age: 3, chipCard: false, fatherId: parent.IdNumber);
        fixture.NewCitizen(age: 16, fatherId: parent.IdNumber); // old enough for an account of their own: not listed
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(parent.Phone!, 1)).Last(m => m.Body.Contains("muc do 2")));
        (await http.PostAsJsonAsync($"/api/v1/accounts/{parent.IdNumber}/activation", new { otp = code, password = "Muc2@Matkhau" })).EnsureSuccessStatusCode();
        var token = await _gateway.CitizenTokenAsync(http, parent.IdNumber, "Muc2@Matkhau");
        var children = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{parent.IdNumber}/children", token)));
        Assert.Equal([(child.IdNumber, true), (younger.IdNumber, false)],
            children.EnumerateArray().Select(c => (c.GetProperty("idNumber").GetString(), c.GetProperty("dependent").GetBoolean())));
        // Level 1 is not enough.
        var levelOne = await _gateway.ActiveCitizenAsync(http);
        var refusedChildren = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{levelOne.IdNumber}/children",
            await _gateway.CitizenTokenAsync(http, levelOne.IdNumber, "Nhoquan@123")));
        Assert.Equal("level2_required", (await Json(refusedChildren)).GetProperty("code").GetString());

        // Rule: a dependent child's papers are integrated on the parent's account and shown with the child while under
        // 14; a child not declared as a dependent is refused (issue 14).
        officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var birthCertificate = new { kind = "birthCertificate", number = "123-2018", issuer = "UBND phường Hàng Gai" };
        var added = await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{parent.IdNumber}/children/{child.IdNumber}/documents", officer, birthCertificate));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var notDependent = await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{parent.IdNumber}/children/{younger.IdNumber}/documents", officer, birthCertificate));
        Assert.Equal("not_a_dependent", (await Json(notDependent)).GetProperty("code").GetString());
        var byParent = await http.SendAsync(GatewayFactory.With(HttpMethod.Post,
            $"/api/v1/accounts/{parent.IdNumber}/children/{child.IdNumber}/documents", token, birthCertificate));
        Assert.Equal(HttpStatusCode.Forbidden, byParent.StatusCode);
        children = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{parent.IdNumber}/children", token)));
        var papers = children.EnumerateArray().ToDictionary(c => c.GetProperty("idNumber").GetString()!, c => c.GetProperty("documents"));
        Assert.Equal(["birthCertificate"], papers[child.IdNumber].EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal(0, papers[younger.IdNumber].GetArrayLength());
    }

    [Fact]
    public async Task No_biometric_value_reaches_the_account_the_dossier_or_the_audit_trail()
    {
        var (http, officer) = await DeskAsync();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var body = Dossier(citizen);
        var receipt = await Json(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, body)));
        Assert.Equal("approved", receipt.GetProperty("status").GetString());
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.Level2Approved);
        var approval = trail.Single(e => e.Kind == AccountEventKind.Level2Approved);
        Assert.Equal((ActorRole.Officer, "officer-hn-01"), (approval.ActorRole, approval.ActorId));
        Assert.Contains("CAP-HG", approval.Reason);
        Assert.Contains("biometrics matched", approval.Reason);

        var templates = new[] { Capture(citizen.IdNumber, Modality.Portrait), Capture(citizen.IdNumber, Modality.Fingerprint),
            Convert.ToBase64String(fixture.Registry.Template(citizen.IdNumber, Modality.Portrait)) };
        var stored = JsonSerializer.Serialize(await fixture.StoredStateAsync(citizen)) + JsonSerializer.Serialize(trail);
        foreach (var template in templates) Assert.DoesNotContain(template[..24], stored);
    }
}
