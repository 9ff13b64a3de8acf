using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Walks every anonymous route of the OpenAPI document with an ID number that has no account and with accounts in each
/// state, and compares the answers field by field: status, headers, body. None may tell them apart or carry personal data.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EnumerationTests
{
    private readonly ClusterFixture fixture;
    private readonly GatewayFactory _gateway;

    // The cluster's chip authority signs each subject's genuine chip for the NFC route (one fixture per test run).
    private static Orleans.VNeID.Tests.Chips.TestChipAuthority? _chips;
    private static Orleans.VNeID.Gateway.Recovery.NfcChallenges? _nfcChallenges;

    public EnumerationTests(ClusterFixture fixture)
    {
        this.fixture = fixture;
        _gateway = fixture.GatewayHost();
        _chips = fixture.Chips;
        _nfcChallenges = _gateway.Services.GetRequiredService<Orleans.VNeID.Gateway.Recovery.NfcChallenges>();
    }

    /// <summary>One request per anonymous operation, for a citizen; a new anonymous route must be added here.</summary>
    private static readonly Dictionary<string, Func<CitizenRecord, HttpRequestMessage>> Requests = new()
    {
        ["DeclareAccount"] = c => Post("/api/v1/accounts", GatewayFactory.DeclarationBody(c)),
        ["ResendOtp"] = c => Post($"/api/v1/accounts/{c.IdNumber}/otp", null),
        ["ActivateAccount"] = c => Post($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = "000000", password = "Nhoquan@123" }),
        ["LogIn"] = c => Post("/api/v1/sessions", new { idNumber = c.IdNumber, password = "Wrong@1234" }),
        ["RequestStepUpCode"] = c => Post("/api/v1/sessions/step-up", new { idNumber = c.IdNumber, password = "Nhoquan@123" }),
        ["RefreshSession"] = c => Post("/api/v1/sessions/refresh", new { refreshToken = $"{c.IdNumber}.{new string('a', 32)}.secret" }),
        ["StartPasswordRecovery"] = c => Post("/api/v1/recovery", new
        {
            idNumber = c.IdNumber, phone = c.Phone, fullName = c.FullName, dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"),
            cardIssuedOn = c.CardIssuedOn!.Value.ToString("yyyy-MM-dd"),
        }),
        // A genuine chip of each subject: after passive authentication the answer may not tell accounts apart.
        ["StartNfcPasswordRecovery"] = c => Post($"/api/v1/recovery/{c.IdNumber}/nfc", _chips!.Issuer.Issue(c) is var chip &&
            _nfcChallenges!.Issue(c.IdNumber) is var (token, challenge, _) && _chips.Issuer.Answer(chip, challenge) is var answered ? new
        {
            securityObject = Convert.ToBase64String(chip.SecurityObject),
            dataGroups = chip.DataGroups.ToDictionary(d => d.Key.ToString(), d => Convert.ToBase64String(d.Value)),
            challengeToken = token,
            challengeSignature = Convert.ToBase64String(answered.ChallengeSignature!),
        } : null),
        ["NewNfcChallenge"] = c => Post($"/api/v1/recovery/{c.IdNumber}/nfc/challenge", null),
        ["CompletePasswordRecovery"] = c => Post($"/api/v1/recovery/{c.IdNumber}/password", new { otp = "000000", newPassword = "Moi@Matkhau9" }),
        // Counted per client id, so each subject guesses a client id of its own.
        ["IssueServiceToken"] = c => Post("/api/v1/service-tokens", new { clientId = $"nobody-{c.IdNumber}", clientSecret = "guess", code = "123456" }),
        ["LookUpDossier"] = _ => new HttpRequestMessage(HttpMethod.Get, "/api/v1/dossiers/261123-1012-00001-0?securityCode=ABCDEFGH&challenge=1.a.b&checkCode=ABCDE"),
        // Names no account: its answer is new each time (compared without its random values, below).
        ["NewDossierLookupChallenge"] = _ => Post("/api/v1/dossiers/lookup-challenges", null),
        // Name no account: the options are new each time (passkeys are off on the test host's IP address: 404 alike), and an
        // answer to a challenge never issued is refused alike.
        ["PasskeySignInOptions"] = _ => Post("/api/v1/sessions/passkey/options", null),
        ["PasskeySignIn"] = c => Post("/api/v1/sessions/passkey", new { credential = new { id = c.IdNumber, response = new { clientDataJSON = "e30" } } }),
    };

    [Fact]
    public async Task Enumeration_every_anonymous_route_answers_an_unknown_id_and_accounts_in_every_state_alike_without_personal_data()
    {
        var http = _gateway.CreateClient();
        var anonymous = await AnonymousOperationsAsync(http);
        Assert.Empty(anonymous.Except(Requests.Keys));

        var unknown = fixture.NewCitizen();
        var pending = fixture.NewCitizen();
        (await http.PostAsJsonAsync("/api/v1/accounts", GatewayFactory.DeclarationBody(pending))).EnsureSuccessStatusCode();
        var active = await _gateway.ActiveCitizenAsync(http);
        var locked = await _gateway.ActiveCitizenAsync(http);
        Assert.True((await fixture.Account(locked).LockAsync(new Actor(ActorRole.Officer, "officer-hn-01"), "test")).Succeeded);
        var subjects = new[] { ("unknown", unknown), ("pending", pending), ("active", active), ("locked", locked) };

        // Six rounds, so that counters, lockouts and their 429s are compared too.
        foreach (var operation in anonymous.Order())
        {
            for (var round = 1; round <= 6; round++)
            {
                var answers = new List<(string Subject, string Answer)>();
                foreach (var (name, citizen) in subjects)
                {
                    var response = await http.SendAsync(Requests[operation](citizen));
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True((int)response.StatusCode < 500, $"{operation} for the {name} account: {(int)response.StatusCode} {body}");
                    foreach (var personal in new[] { citizen.FullName, citizen.Phone!, citizen.DateOfBirth.ToString("yyyy-MM-dd") })
                        Assert.DoesNotContain(personal, body);
                    answers.Add((name, Normalize(response, body, citizen.IdNumber)));
                }
                foreach (var (name, answer) in answers.Skip(1))
                    Assert.True(answer == answers[0].Answer,
                        $"{operation}, round {round}: the {name} account answers\n{answer}\nbut an unknown ID answers\n{answers[0].Answer}");
            }
        }
    }

    private static async Task<HashSet<string>> AnonymousOperationsAsync(HttpClient http)
    {
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").EnumerateObject()
            .Where(path => !path.Name.Contains("/dev/"))
            .SelectMany(path => path.Value.EnumerateObject())
            .Where(op => op.Value.ValueKind == JsonValueKind.Object &&
                         (!op.Value.TryGetProperty("security", out var security) || security.GetArrayLength() == 0))
            .Select(op => op.Value.GetProperty("operationId").GetString()!)
            .ToHashSet();
    }

    /// <summary>Status, headers and body as text, with the subject's ID number and the request's trace id taken out.</summary>
    private static string Normalize(HttpResponseMessage response, string body, string idNumber)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Content-Length"))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}");
        var json = body.Length == 0 ? null : JsonNode.Parse(body);
        if (json is JsonObject problem) foreach (var random in new[] { "traceId", "challenge", "checkCode", "expiresAt", "token" }) problem.Remove(random);
        return $"{(int)response.StatusCode}\n{string.Join("\n", headers)}\n{json?.ToJsonString()}".Replace(idNumber, "{id}");
    }

    private static HttpRequestMessage Post(string url, object? body) => GatewayFactory.With(HttpMethod.Post, url, token: null, body);
}
