using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

[Collection(ClusterCollection.Name)]
public sealed class GatewayHttpTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    // One gateway host shared by every test of the collection (see ClusterFixture.GatewayHost).
    private readonly GatewayFactory _gateway = fixture.GatewayHost();


    private static object Declaration(CitizenRecord c, string? phone = null) => new
    {
        idNumber = c.IdNumber,
        fullName = c.FullName,
        dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"),
        gender = c.Gender.ToString().ToLowerInvariant(),
        phone = phone ?? c.Phone,
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Registration_activation_login_self_lock_and_officer_unlock_over_http()
    {
        var http = _gateway.CreateClient();
        var citizen = fixture.NewCitizen();

        var declared = await http.PostAsJsonAsync("/api/v1/accounts", Declaration(citizen));
        Assert.Equal(HttpStatusCode.Accepted, declared.StatusCode);
        Assert.Equal($"/api/v1/accounts/{citizen.IdNumber}/activation", declared.Headers.Location?.ToString());
        Assert.Equal(120, (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("codeValiditySeconds").GetInt32());

        await fixture.Sender.WaitForAsync(citizen.Phone!, 1);
        var inbox = await http.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?recipient={citizen.Phone}");
        var code = inbox[0].GetProperty("body").GetString()![..6];

        var activated = await http.PostAsJsonAsync($"/api/v1/accounts/{citizen.IdNumber}/activation", new { otp = code, password = Password });
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);

        var token = await _gateway.CitizenTokenAsync(http, citizen.IdNumber, Password);
        var status = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/status", token));
        Assert.Equal("level1", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var locked = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock", token, new { reason = "Lost my phone" }));
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        await ProblemAsync(await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = citizen.IdNumber, password = Password }),
            HttpStatusCode.Unauthorized, "invalid_credentials");

        // The lock ended the citizen's session: the token from before it is refused.
        await ProblemAsync(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/unlock", token, new { reason = "me" })),
            HttpStatusCode.Unauthorized, "token_revoked");
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var unlocked = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/unlock", officer, new { reason = "Checked at the desk" }));
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal("level1", (await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_citizen_reads_only_their_own_account_and_anonymous_callers_none()
    {
        var http = _gateway.CreateClient();
        var (mine, other) = (fixture.NewCitizen(), fixture.NewCitizen());
        foreach (var c in new[] { mine, other })
        {
            await http.PostAsJsonAsync("/api/v1/accounts", Declaration(c));
            var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(c.Phone!, 1))[0]);
            (await http.PostAsJsonAsync($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = code, password = Password })).EnsureSuccessStatusCode();
        }
        var token = await _gateway.CitizenTokenAsync(http, mine.IdNumber, Password);

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{mine.IdNumber}", token))).StatusCode);
        await ProblemAsync(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{other.IdNumber}", token)), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{other.IdNumber}/lock", token, new { reason = "x" })), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await http.GetAsync($"/api/v1/accounts/{mine.IdNumber}/status"), HttpStatusCode.Unauthorized, "unauthorized");

        var tampered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");
        await ProblemAsync(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{mine.IdNumber}", tampered)), HttpStatusCode.Unauthorized, "invalid_token");

        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{other.IdNumber}/status", operatorToken))).StatusCode);
        await ProblemAsync(await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/accounts/001090099999/status", operatorToken)), HttpStatusCode.NotFound, "account_not_found");
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_alike()
    {
        var http = _gateway.CreateClient();
        await ProblemAsync(await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = "001090099998", password = Password }), HttpStatusCode.Unauthorized, "invalid_credentials");
        await ProblemAsync(await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId = "officer-hn-01", clientSecret = "guess", code = "123456" }), HttpStatusCode.Unauthorized, "invalid_credentials");
        await ProblemAsync(await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId = "nobody", clientSecret = "guess", code = "123456" }), HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Limits_answer_429_with_retry_after()
    {
        var http = _gateway.CreateClient();
        var citizen = fixture.NewCitizen();
        for (var i = 1; i < 5; i++) await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = citizen.IdNumber, password = "Wrong@" + i });
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber = citizen.IdNumber, password = "Wrong@5" });
        var problem = await ProblemAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single()), 1, 300);
        Assert.True(problem.GetProperty("retryAfterSeconds").GetInt32() > 0);
    }

    [Fact]
    public async Task A_state_conflict_names_the_state_and_what_it_permits()
    {
        var http = _gateway.CreateClient();
        var citizen = fixture.NewCitizen();
        await http.PostAsJsonAsync("/api/v1/accounts", Declaration(citizen));
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        var unlock = GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/unlock", officer, new { reason = "nothing to unlock" });
        var problem = await ProblemAsync(await http.SendAsync(unlock), HttpStatusCode.Conflict, "invalid_state");
        Assert.Equal("PendingActivation", problem.GetProperty("state").GetString());
        Assert.Contains("Activate", problem.GetProperty("permittedTriggers").EnumerateArray().Select(e => e.GetString()));
    }

    public static TheoryData<string, string, string?, string> BadRequests() => new()
    {
        { "POST", "/api/v1/accounts", "{bad json", "malformed_request" },
        { "POST", "/api/v1/accounts", "", "malformed_request" },
        { "POST", "/api/v1/accounts", "null", "malformed_request" },
        { "POST", "/api/v1/accounts", "[]", "malformed_request" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":12}", "malformed_request" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"dateOfBirth\":\"1990-13-45\"}", "malformed_request" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"gender\":\"robot\"}", "malformed_request" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"gender\":0}", "malformed_request" },
        { "POST", "/api/v1/accounts", "{}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"0010900123\",\"fullName\":\"An\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"0912345678\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"003090012345\",\"fullName\":\"An\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"0912345678\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001190012345\",\"fullName\":\"An\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"0912345678\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"fullName\":\"" + new string('a', 500) + "\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"0912345678\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"fullName\":\"An\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"12\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001090012345\",\"fullName\":\"An\",\"dateOfBirth\":\"1990-05-15\",\"gender\":\"male\",\"phone\":\"09123456789\"}", "validation_failed" },
        { "POST", "/api/v1/accounts", "{\"idNumber\":\"001290012345\",\"fullName\":\"An\",\"dateOfBirth\":\"2990-05-15\",\"gender\":\"male\",\"phone\":\"0912345678\"}", "validation_failed" },
        { "POST", "/api/v1/accounts/abc/otp", null, "validation_failed" },
        { "POST", "/api/v1/accounts/00109001234%20/activation", "{\"otp\":\"123456\",\"password\":\"Nhoquan@123\"}", "validation_failed" },
        { "POST", "/api/v1/accounts/001090012345/activation", "{\"otp\":\"12345\",\"password\":\"x\"}", "validation_failed" },
        { "POST", "/api/v1/accounts/001090012345/activation", "{\"otp\":123456}", "malformed_request" },
        { "POST", "/api/v1/sessions", "{\"idNumber\":\"x\",\"password\":\"\"}", "validation_failed" },
        { "POST", "/api/v1/sessions", "{\"idNumber\":[],\"password\":{}}", "malformed_request" },
        { "GET", "/api/v1/dev/messages", null, "validation_failed" },
        { "GET", "/api/v1/dev/messages?recipient=0912%00345678", null, "validation_failed" },
        { "GET", "/api/v1/dossiers/261123-1012-00001-0?securityCode=AB%00CDEFGH", null, "validation_failed" },
        { "POST", "/api/v1/recovery", "{\"idNumber\":\"001090012345\",\"phone\":\"0912345678\",\"fullName\":\"Nguy\\u0000n\",\"dateOfBirth\":\"1990-05-15\",\"cardIssuedOn\":\"2022-01-01\"}", "validation_failed" },
        { "POST", "/api/v1/recovery", "{\"idNumber\":\"001090012345\",\"phone\":\"0912345678\",\"fullName\":\"Nguy\\ud800n\",\"dateOfBirth\":\"1990-05-15\",\"cardIssuedOn\":\"2022-01-01\"}", "malformed_request" },
        { "GET", "/api/v1/nothing-here", null, "not_found" },
        { "DELETE", "/api/v1/accounts", null, "method_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_with_a_stable_code_never_a_5xx(string method, string url, string? body, string code)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await _gateway.CreateClient().SendAsync(request);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Oversized_and_non_json_bodies_are_refused_cleanly()
    {
        var http = _gateway.CreateClient();
        // The in-memory test server has no Kestrel body limit (the integration tests check the 413 over real HTTP).
        var big = await http.PostAsync("/api/v1/accounts", new StringContent(new string('a', 100_000), Encoding.UTF8, "application/json"));
        Assert.InRange((int)big.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", big.Content.Headers.ContentType?.MediaType);
        var text = await http.PostAsync("/api/v1/accounts", new StringContent("hello", Encoding.UTF8, "text/plain"));
        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Validation_problems_name_the_json_fields()
    {
        var response = await _gateway.CreateClient().PostAsJsonAsync("/api/v1/accounts", new { idNumber = "12" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("idNumber", fields);
        Assert.Contains("fullName", fields);
        Assert.Contains("dateOfBirth", fields);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_with_schemas_and_errors()
    {
        var document = await _gateway.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        var expected = new[]
        {
            ("/api/v1/accounts", "post"), ("/api/v1/accounts/{idNumber}/otp", "post"), ("/api/v1/accounts/{idNumber}/activation", "post"),
            ("/api/v1/accounts/{idNumber}/lock", "post"), ("/api/v1/accounts/{idNumber}/unlock", "post"), ("/api/v1/accounts/{idNumber}", "get"),
            ("/api/v1/accounts/{idNumber}/status", "get"), ("/api/v1/sessions", "post"), ("/api/v1/service-tokens", "post"),
        };
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not documented");
            var operation = item.GetProperty(method);
            Assert.True(operation.TryGetProperty("operationId", out _), $"{method} {path} has no operationId");
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            Assert.Contains(responses.Keys, k => k.StartsWith('2'));
            Assert.Contains(responses.Keys, k => k.StartsWith('4'));
            foreach (var (status, response) in responses.Where(r => r.Key != "204"))
                Assert.True(response.TryGetProperty("content", out _), $"{method} {path} {status} has no schema");
            if (method == "post" && !path.EndsWith("/otp"))
                Assert.True(operation.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), $"{path} has no request schema");
        }
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task A_database_outage_is_503_with_retry_after()
    {
        var citizen = fixture.NewCitizen();
        fixture.Registry.FailFor(citizen.IdNumber);
        var response = await _gateway.CreateClient().PostAsJsonAsync("/api/v1/accounts", Declaration(citizen));
        await ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) > 0);
    }

    [Fact]
    public async Task Health_reports_the_cluster_and_the_database_for_readiness_and_nothing_for_liveness()
    {
        var live = await _gateway.CreateClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Empty((await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateObject());
        var ready = await (await _gateway.CreateClient().GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
        Assert.True(ready.GetProperty("checks").TryGetProperty("database", out _));
    }
}
