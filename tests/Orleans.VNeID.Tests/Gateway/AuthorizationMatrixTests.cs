using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Every route × every kind of caller, generated from one table: who gets through and who is refused.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AuthorizationMatrixTests(ClusterFixture fixture)
{
    public enum Caller { Anonymous, Owner, OtherCitizen, Officer, Operator }

    private const Caller Anyone = (Caller)(-1);
    // One gateway host shared by every test of the collection (see ClusterFixture.GatewayHost).
    private readonly GatewayFactory _gateway = fixture.GatewayHost();


    /// <summary>The table: route, and the callers it lets through (Anyone = no authentication needed).</summary>
    private static readonly (string Method, string Path, Caller[] Allowed)[] Routes =
    [
        ("POST", "/api/v1/accounts", [Anyone]),
        ("POST", "/api/v1/accounts/{id}/otp", [Anyone]),
        ("POST", "/api/v1/accounts/{id}/activation", [Anyone]),
        ("POST", "/api/v1/accounts/{id}/email", [Caller.Owner]),
        ("POST", "/api/v1/accounts/{id}/email/confirmation", [Caller.Owner]),
        ("POST", "/api/v1/accounts/{id}/level2/confirmation", [Caller.Owner]),
        ("GET", "/api/v1/accounts/{id}/notices", [Caller.Owner]),
        ("GET", "/api/v1/accounts/{id}/children", [Caller.Owner]),
        ("POST", "/api/v1/accounts/{id}/children/{childIdNumber}/documents", [Caller.Officer]),
        ("POST", "/api/v1/accounts/{id}/lock", [Caller.Owner, Caller.Officer, Caller.Operator]),
        ("POST", "/api/v1/accounts/{id}/unlock", [Caller.Officer, Caller.Operator]),
        ("GET", "/api/v1/accounts/{id}", [Caller.Owner, Caller.Officer, Caller.Operator]),
        ("GET", "/api/v1/accounts/{id}/status", [Caller.Owner, Caller.Officer, Caller.Operator]),
        ("GET", "/api/v1/accounts/{id}/audit", [Caller.Operator]),
        ("POST", "/api/v1/sessions", [Anyone]),
        ("POST", "/api/v1/sessions/refresh", [Anyone]),
        ("POST", "/api/v1/sessions/step-up", [Anyone]),
        ("DELETE", "/api/v1/sessions/current", [Caller.Owner, Caller.OtherCitizen]),
        ("DELETE", "/api/v1/sessions", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/service-tokens", [Anyone]),
        ("DELETE", "/api/v1/service-tokens/current", [Caller.Officer, Caller.Operator]),
        ("POST", "/api/v1/service-accounts/{clientId}/revocation", [Caller.Operator]),
        ("GET", "/api/v1/service-accounts/events", [Caller.Operator]),
        ("GET", "/api/v1/events", [Caller.Operator]),
        ("GET", "/api/v1/events/counts", [Caller.Operator]),
        ("POST", "/api/v1/recovery", [Anyone]),
        ("POST", "/api/v1/recovery/{id}/password", [Anyone]),
        ("POST", "/api/v1/recovery/{id}/nfc", [Anyone]),
        ("POST", "/api/v1/recovery/{id}/nfc/challenge", [Anyone]),
        ("POST", "/api/v1/offices/{office}/dossiers", [Caller.Officer]),
        ("POST", "/api/v1/offices/{office}/recoveries", [Caller.Officer]),
        ("POST", "/api/v1/offices/{office}/recoveries/{id}/confirmation", [Caller.Officer]),
        ("GET", "/api/v1/offices/{office}/dossiers/overdue", [Caller.Officer, Caller.Operator]),
        ("POST", "/api/v1/offices/{office}/dossiers/{code}/card-issued", [Caller.Officer, Caller.Operator]),
        ("GET", "/api/v1/dossiers/{code}", [Anyone]),
        ("POST", "/api/v1/dossiers/lookup-challenges", [Anyone]),
        ("GET", "/api/v1/accounts/{id}/wallet", [Caller.Owner, Caller.Officer, Caller.Operator]),
        ("POST", "/api/v1/accounts/{id}/documents/from-register", [Caller.Owner]),
        ("POST", "/api/v1/offices/{office}/dossiers/{code}/papers", [Caller.Officer]),
        ("GET", "/api/v1/accounts/{id}/profile", [Caller.Owner, Caller.Officer, Caller.Operator]),
        ("POST", "/api/v1/sessions/passkey/options", [Anyone]),
        ("POST", "/api/v1/sessions/passkey", [Anyone]),
        ("POST", "/api/v1/accounts/{id}/passkeys/options", [Caller.Owner]),
        ("POST", "/api/v1/accounts/{id}/passkeys", [Caller.Owner]),
        ("GET", "/api/v1/accounts/{id}/passkeys", [Caller.Owner]),
        ("DELETE", "/api/v1/accounts/{id}/passkeys/{handle}", [Caller.Owner]),
        ("POST", "/api/v1/qr-sign-ins/view", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/qr-sign-ins/decision", [Caller.Owner, Caller.OtherCitizen]),
        // Any citizen, acting from their own account; the organisation grain decides (404 to anyone who does not act for it).
        ("GET", "/api/v1/organisations", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/organisations", [Caller.Owner, Caller.OtherCitizen]),
        ("GET", "/api/v1/organisations/{identifier}", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/organisations/{identifier}/activation", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/organisations/{identifier}/lock", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/organisations/{identifier}/unlock", [Caller.Owner, Caller.OtherCitizen]),
        ("POST", "/api/v1/organisations/{identifier}/authorisations", [Caller.Owner, Caller.OtherCitizen]),
        ("DELETE", "/api/v1/organisations/{identifier}/authorisations/{grantId}", [Caller.Owner, Caller.OtherCitizen]),
    ];

    public static TheoryData<string, string, Caller> Cases()
    {
        var data = new TheoryData<string, string, Caller>();
        foreach (var (method, path, _) in Routes)
            foreach (var caller in Enum.GetValues<Caller>()) data.Add(method, path, caller);
        return data;
    }

    [Fact]
    public async Task The_table_lists_every_route_the_openapi_document_describes()
    {
        var document = await _gateway.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name.Replace("{idNumber}", "{id}").Replace("{officeCode}", "{office}").Replace("{dossierCode}", "{code}")}"))
            .Where(r => !r.Contains("/dev/"))
            .ToHashSet();
        Assert.Equal(documented, Routes.Select(r => $"{r.Method} {r.Path}").ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_route_admits_exactly_the_callers_in_the_table(string method, string path, Caller caller)
    {
        var http = _gateway.CreateClient();
        var allowed = Routes.Single(r => r.Method == method && r.Path == path).Allowed;
        var target = await ActiveCitizenAsync(http);
        var token = caller switch
        {
            Caller.Anonymous => null,
            Caller.Owner => await _gateway.CitizenTokenAsync(http, target, "Nhoquan@123"),
            Caller.OtherCitizen => await _gateway.CitizenTokenAsync(http, await ActiveCitizenAsync(http), "Nhoquan@123"),
            Caller.Officer => await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026"),
            _ => await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026"),
        };
        var body = method == "POST" ? (object)new { reason = "matrix test", email = "matrix@example.vn", otp = "123456", kind = "socialInsurance", number = "0123456789" } : null;
        var url = path.Replace("{id}", target).Replace("{office}", "CAP-HG").Replace("{code}", "261123-1012-00001-0").Replace("{clientId}", "nobody")
            .Replace("{identifier}", "0999999997").Replace("{grantId}", "g1");
        // Headers only: the live event feed answers with a stream that does not end.
        using var response = await http.SendAsync(GatewayFactory.With(new HttpMethod(method), url, token, body), HttpCompletionOption.ResponseHeadersRead);

        var code = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()
            : null;
        var refused = code is "unauthorized" or "forbidden";
        var expectAllowed = allowed.Contains(Anyone) || allowed.Contains(caller);
        Assert.True(expectAllowed != refused, $"{method} {path} as {caller}: {(int)response.StatusCode} {code}");
        if (refused)
            Assert.Equal(caller == Caller.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{method} {path} as {caller}: {(int)response.StatusCode}");
    }

    private async Task<string> ActiveCitizenAsync(HttpClient http) => (await _gateway.ActiveCitizenAsync(http)).IdNumber;
}
