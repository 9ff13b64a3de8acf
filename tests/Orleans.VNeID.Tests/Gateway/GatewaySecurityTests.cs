using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

[Collection(ClusterCollection.Name)]
public sealed class GatewaySecurityTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    // One gateway host shared by every test of the collection (see ClusterFixture.GatewayHost).
    private readonly GatewayFactory _gateway = fixture.GatewayHost();


    private Task<CitizenRecord> ActiveAsync(HttpClient http) => _gateway.ActiveCitizenAsync(http);

    private static object Body(CitizenRecord c) => GatewayFactory.DeclarationBody(c);

    private static async Task<string> CodeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Forged_staff_a_token_for_an_invented_or_mismatched_service_account_gets_401()
    {
        var http = _gateway.CreateClient();
        var issuer = _gateway.Services.GetRequiredService<TokenIssuer>();
        foreach (var forged in new[]
                 {
                     issuer.Issue("operator-99", Roles.Operator),
                     issuer.Issue("officer-hn-01", Roles.Operator),
                     issuer.Issue("officer-hn-01", Roles.Officer, [new Claim(TokenIssuer.OfficeClaim, "CAP-BN")]),
                 })
        {
            var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/service-accounts/events", forged.Token));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_token", await CodeOf(response));
        }
        var real = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/service-accounts/events", real))).StatusCode);
    }

    [Fact]
    public async Task Forged_staff_tokens_are_revoked_by_a_logout_and_by_an_operator()
    {
        var http = _gateway.CreateClient();
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        var loggedOut = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(GatewayFactory.With(HttpMethod.Delete, "/api/v1/service-tokens/current", loggedOut))).StatusCode);
        var afterLogout = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/service-accounts/events", loggedOut));
        Assert.Equal("token_revoked", await CodeOf(afterLogout));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/service-accounts/events", operatorToken))).StatusCode);

        var stolen = await _gateway.ServiceTokenAsync(http, GatewayFactory.TestOfficer, "Officer#Dev2026");
        var overdue = GatewayFactory.With(HttpMethod.Get, "/api/v1/offices/CAP-BN/dossiers/overdue", stolen);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(overdue)).StatusCode);
        var revoke = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/service-accounts/{GatewayFactory.TestOfficer}/revocation", operatorToken,
            new { reason = "laptop stolen" }));
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal("token_revoked", await CodeOf(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/offices/CAP-BN/dossiers/overdue", stolen))));

        var events = await (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/service-accounts/events", operatorToken))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("clientId").GetString() == GatewayFactory.TestOfficer &&
                                                      e.GetProperty("detail").GetString()!.Contains("laptop stolen"));
    }

    private static HttpRequestMessage StaffLogIn(string peer, string clientId, string secret, string? code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/service-tokens") { Content = JsonContent.Create(new { clientId, clientSecret = secret, code }) };
        request.Headers.Add(TestPeerAddress.Header, peer);
        return request;
    }

    [Fact]
    public async Task Lockout_weapon_a_thousand_wrong_staff_secrets_from_one_address_never_stop_the_officer_signing_in_from_another()
    {
        var http = _gateway.CreateClient();
        const string client = GatewayFactory.TestLockoutOfficer;
        const string stranger = "203.0.113.66";
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 1000; i++)
            answers.Add((await http.SendAsync(StaffLogIn(stranger, client, $"guess-{i}", "123456"))).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4)], answers[..4]);
        Assert.All(answers[4..], a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
        // From the stranger's address even the right secret and code wait for the lockout to pass.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.SendAsync(StaffLogIn(stranger, client, "Officer#Dev2026", DemoStaff.Code(client)))).StatusCode);

        // The officer at the desk: the secret alone is not enough, the secret with the authenticator's code is.
        const string desk = "198.51.100.10";
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(StaffLogIn(desk, client, "Officer#Dev2026", null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(StaffLogIn(desk, client, "Officer#Dev2026", "000000"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(StaffLogIn(desk, client, "Officer#Dev2026", DemoStaff.Code(client)))).StatusCode);

        var trail = await fixture.Audit.WaitForAsync("staff:" + client, Orleans.VNeID.Accounts.AccountEventKind.StaffLoginSucceeded);
        Assert.Single(trail, e => e.Kind == Orleans.VNeID.Accounts.AccountEventKind.StaffLockedOut && e.Reason!.Contains(stranger));
        Assert.Contains(trail, e => e.Kind == Orleans.VNeID.Accounts.AccountEventKind.StaffLoginFailed && e.Reason!.Contains("wrong second-factor code"));
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(StaffLogIn(stranger, client, "Officer#Dev2026", DemoStaff.Code(client)))).StatusCode);
    }

    [Fact]
    public async Task An_expired_or_foreign_token_is_refused_with_its_reason()
    {
        var http = _gateway.CreateClient();
        var citizen = await ActiveAsync(http);
        var jwt = _gateway.Services.GetRequiredService<IOptions<JwtOptions>>().Value;
        string Forge(DateTime expires, SecurityKey key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer, Audience = jwt.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", citizen.IdNumber), new Claim("role", "operator")]),
            IssuedAt = expires.AddMinutes(-10), NotBefore = expires.AddMinutes(-10), Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

        var expired = Forge(DateTime.UtcNow.AddMinutes(-5), jwt.Key());
        var response = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", expired));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token_expired", await CodeOf(response));

        var foreign = Forge(DateTime.UtcNow.AddMinutes(5), new SymmetricSecurityKey(new byte[32]));
        response = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", foreign));
        Assert.Equal("invalid_token", await CodeOf(response));

        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer, Audience = jwt.Audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("sub", "x"), new Claim("role", "operator")]),
        });
        response = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", unsigned));
        Assert.Equal("invalid_token", await CodeOf(response));
    }

    [Fact]
    public async Task Refresh_rotates_reuse_is_refused_and_logout_ends_the_token()
    {
        var http = _gateway.CreateClient();
        var citizen = await ActiveAsync(http);
        var login = await _gateway.CitizenLoginAsync(http, citizen.IdNumber, Password);
        Assert.StartsWith(citizen.IdNumber + ".", login.RefreshToken);
        Assert.True(login.ExpiresAt <= DateTimeOffset.UtcNow.AddMinutes(5.5));

        var refreshed = await http.PostAsJsonAsync("/api/v1/sessions/refresh", new { refreshToken = login.RefreshToken });
        var renewed = (await refreshed.Content.ReadFromJsonAsync<GatewayFactory.TokenBody>())!;
        Assert.NotEqual(login.RefreshToken, renewed.RefreshToken);

        var reused = await http.PostAsJsonAsync("/api/v1/sessions/refresh", new { refreshToken = login.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal("refresh_reused", await CodeOf(reused));
        var afterReuse = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", renewed.Token));
        Assert.Equal("token_revoked", await CodeOf(afterReuse));

        var fresh = await _gateway.CitizenLoginAsync(http, citizen.IdNumber, Password);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(GatewayFactory.With(HttpMethod.Delete, "/api/v1/sessions/current", fresh.Token))).StatusCode);
        Assert.Equal("token_revoked", await CodeOf(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}", fresh.Token))));
        Assert.Equal("validation_failed", await CodeOf(await http.PostAsJsonAsync("/api/v1/sessions/refresh", new { refreshToken = "garbage" })));
    }

    [Fact]
    public async Task A_declaration_answers_the_same_for_a_new_and_an_existing_account()
    {
        var http = _gateway.CreateClient();
        var existing = await ActiveAsync(http);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var fresh = fixture.NewCitizen();

        var a = await http.PostAsJsonAsync("/api/v1/accounts", Body(existing));
        var b = await http.PostAsJsonAsync("/api/v1/accounts", Body(fresh));
        Assert.Equal(b.StatusCode, a.StatusCode);
        var (bodyA, bodyB) = (await a.Content.ReadFromJsonAsync<JsonElement>(), await b.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(bodyB.GetProperty("message").GetString(), bodyA.GetProperty("message").GetString());
        Assert.Equal(bodyB.EnumerateObject().Select(p => p.Name), bodyA.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Recovery_answers_the_same_for_a_real_account_and_an_unknown_id()
    {
        var http = _gateway.CreateClient();
        var real = await ActiveAsync(http);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var unknown = fixture.NewCitizen();
        object Recovery(CitizenRecord c) => new
        {
            idNumber = c.IdNumber, phone = c.Phone, fullName = c.FullName,
            dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"), cardIssuedOn = c.CardIssuedOn!.Value.ToString("yyyy-MM-dd"),
        };

        var a = await http.PostAsJsonAsync("/api/v1/recovery", Recovery(real));
        var b = await http.PostAsJsonAsync("/api/v1/recovery", Recovery(unknown));
        Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
        Assert.Equal(a.StatusCode, b.StatusCode);
        var (bodyA, bodyB) = (await a.Content.ReadFromJsonAsync<JsonElement>(), await b.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(bodyB.GetProperty("message").GetString(), bodyA.GetProperty("message").GetString());

        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(real.Phone!, 3))[^1]);
        var wrongA = await http.PostAsJsonAsync($"/api/v1/recovery/{real.IdNumber}/password", new { otp = code == "000000" ? "111111" : "000000", newPassword = "Moi@Matkhau9" });
        var wrongB = await http.PostAsJsonAsync($"/api/v1/recovery/{unknown.IdNumber}/password", new { otp = "000000", newPassword = "Moi@Matkhau9" });
        Assert.Equal(wrongB.StatusCode, wrongA.StatusCode);
        Assert.Equal(await CodeOf(wrongB), await CodeOf(wrongA));

        var done = await http.PostAsJsonAsync($"/api/v1/recovery/{real.IdNumber}/password", new { otp = code, newPassword = "Moi@Matkhau9" });
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.NotNull(await _gateway.CitizenLoginAsync(http, real.IdNumber, "Moi@Matkhau9"));
    }

    // Rule: recovery also works by the account's confirmed e-mail, and then without a card issue date for a citizen who
    // holds no card (issue 14); an address that is not the confirmed one gets nothing.
    [Fact]
    public async Task Recovery_works_by_a_confirmed_email_also_for_a_citizen_without_a_card()
    {
        var http = _gateway.CreateClient();
        var citizen = fixture.NewCitizen(chipCard: false);
        (await http.PostAsJsonAsync("/api/v1/accounts", Body(citizen))).EnsureSuccessStatusCode();
        var activation = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 1))[0]);
        (await http.PostAsJsonAsync($"/api/v1/accounts/{citizen.IdNumber}/activation", new { otp = activation, password = Password })).EnsureSuccessStatusCode();
        var token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, Password);
        var address = $"{citizen.IdNumber}@example.vn";
        fixture.Clock.Advance(TimeSpan.FromSeconds(61)); // the cooldown between two codes
        (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/email", token, new { email = address }))).EnsureSuccessStatusCode();
        var confirm = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(address, 1))[0]);
        (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/email/confirmation", token, new { otp = confirm })))
            .EnsureSuccessStatusCode();
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        object ByEmail(string email) => new
        {
            idNumber = citizen.IdNumber, email, fullName = citizen.FullName, dateOfBirth = citizen.DateOfBirth.ToString("yyyy-MM-dd"),
        };
        var stranger = $"x{citizen.IdNumber}@example.vn";
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/api/v1/recovery", ByEmail(stranger))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/api/v1/recovery", ByEmail(address.ToUpperInvariant()))).StatusCode);
        var messages = await fixture.Sender.WaitForAsync(address, 2);
        Assert.Contains("khôi phục mật khẩu", messages[^1].Body);
        Assert.Empty(fixture.Sender.To(stranger));
        var done = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password",
            new { otp = RecordingSender.CodeIn(messages[^1]), newPassword = "Moi@Matkhau9" });
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.NotNull(await _gateway.CitizenLoginAsync(http, citizen.IdNumber, "Moi@Matkhau9"));
        // With the phone, the card's issue date stays required; both channels at once are refused.
        var both = await http.PostAsJsonAsync("/api/v1/recovery", new
        {
            idNumber = citizen.IdNumber, phone = citizen.Phone, email = address, fullName = citizen.FullName,
            dateOfBirth = citizen.DateOfBirth.ToString("yyyy-MM-dd"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task Operators_read_a_verified_audit_trail_that_holds_no_secret()
    {
        var http = _gateway.CreateClient();
        var citizen = await ActiveAsync(http);
        await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = citizen.IdNumber, password = "Wrong@123" });
        await fixture.Audit.WaitForAsync(citizen.IdNumber, Orleans.VNeID.Accounts.AccountEventKind.LoginFailed);
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");

        var trail = await (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/audit", operatorToken)))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(trail.GetProperty("intact").GetBoolean());
        Assert.Equal(["declared", "activated", "loginFailed"], trail.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.DoesNotContain("Wrong@123", trail.GetRawText());
        Assert.DoesNotContain(Password, trail.GetRawText());
    }

    [Fact]
    public async Task Budgets_per_account_answer_429_with_retry_after()
    {
        var strict = fixture.GatewayHost(perAccountPerMinute: 3);
        var http = strict.CreateClient();
        var id = fixture.NewCitizen().IdNumber;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = id, password = "Wrong@123" })).StatusCode);
        var limited = await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = id, password = "Wrong@123" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(limited));
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
        // Another account still has its own budget.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = fixture.NewCitizen().IdNumber, password = "Wrong@123" })).StatusCode);
    }

    [Fact]
    public async Task Silencing_a_strangers_flood_of_an_accounts_routes_spends_the_strangers_budget_and_the_owners_right_password_logs_in()
    {
        var strict = fixture.GatewayHost(perAccountPerMinute: 30);
        var http = strict.CreateClient();
        var owner = await strict.ActiveCitizenAsync(http);
        HttpRequestMessage From(string peer, string url, object body)
        {
            var request = GatewayFactory.With(HttpMethod.Post, url, token: null, body);
            request.Headers.Add(TestPeerAddress.Header, peer);
            return request;
        }
        // The printed details declared again and again from one place, until that place is refused (the minute's budget
        // may renew once on the way).
        var answers = new List<HttpStatusCode>();
        while (answers.Count < 100 && answers.LastOrDefault() != HttpStatusCode.TooManyRequests)
            answers.Add((await http.SendAsync(From("203.0.113.77", "/api/v1/accounts", GatewayFactory.DeclarationBody(owner)))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.All(answers[..^1], a => Assert.Equal(HttpStatusCode.Accepted, a));
        // The owner, elsewhere: the right password logs in, and the owner was told of the repeated declarations once.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(From("198.51.100.30", "/api/v1/sessions", new { idNumber = owner.IdNumber, password = Password }))).StatusCode);
        await Task.Delay(200);
        Assert.Single(fixture.Sender.To(owner.Phone!), m => m.Body.Contains("yeu cau dang ky"));
    }

    [Fact]
    public async Task An_operators_read_of_personal_data_needs_a_stated_reason_and_is_audited_as_an_exception()
    {
        var http = _gateway.CreateClient();
        var citizen = await ActiveAsync(http);
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        var bare = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/profile", operatorToken));
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
        Assert.Equal("staff_reason_required", await CodeOf(bare));
        // Status carries no personal data: no reason needed.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/status", operatorToken))).StatusCode);

        var stated = GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/profile", operatorToken);
        stated.Headers.Add("X-Access-Reason", "incident 4711: the owner's complaint");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(stated)).StatusCode);
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, Orleans.VNeID.Accounts.AccountEventKind.StaffRead);
        Assert.Contains(trail, e => e.Kind == Orleans.VNeID.Accounts.AccountEventKind.StaffRead && e.ActorId == "operator-01"
                                    && e.Reason!.Contains("EXCEPTION: incident 4711"));
        Assert.DoesNotContain(trail, e => e.Kind == Orleans.VNeID.Accounts.AccountEventKind.StaffRead && !e.Reason!.Contains("EXCEPTION"));
    }
}
