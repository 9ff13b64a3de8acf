using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>The operators' live feed filtered by office (issue 12), on the in-process cluster's account-events stream.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EventFeedTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    [Fact]
    public async Task The_feed_for_an_office_shows_what_its_officers_did_and_nothing_else()
    {
        var http = _gateway.CreateClient();
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        var officer = await _gateway.ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");   // of CAP-HG
        var byOfficer = await _gateway.ActiveCitizenAsync(http);
        var byOperator = await _gateway.ActiveCitizenAsync(http);

        var unknown = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/events?office=NOPE", operatorToken));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("validation_failed", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var hangGai = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/events?office=CAP-HG", operatorToken),
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var benNghe = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/events?office=CAP-BN", operatorToken),
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", hangGai.Content.Headers.ContentType?.MediaType);

        foreach (var (citizen, token) in new[] { (byOperator, operatorToken), (byOfficer, officer) })
            foreach (var action in new[] { "lock", "unlock" })
                (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/{action}", token,
                    new { reason = "feed test" }))).EnsureSuccessStatusCode();

        using var reader = new StreamReader(await hangGai.Content.ReadAsStreamAsync(cancel.Token));
        var seen = new List<string>();
        while (seen.Count < 2 && await reader.ReadLineAsync(cancel.Token) is { } line)
            if (line.StartsWith("data:", StringComparison.Ordinal)) seen.Add(line);
        Assert.All(seen, l => Assert.Contains(byOfficer.IdNumber, l));
        // The officer appears by office and a pseudonymous reference, never by the client id they sign in with.
        Assert.Contains(seen, l => l.Contains("\"kind\":\"locked\"") && l.Contains("\"actorOffice\":\"CAP-HG\"") && l.Contains("\"actor\":\"staff-"));
        Assert.DoesNotContain("officer-hn-01", string.Join("", seen));
        Assert.Contains(seen, l => l.Contains("\"kind\":\"unlocked\""));

        // Nothing the Bến Nghé office did: its feed stays silent.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var other = new StreamReader(await benNghe.Content.ReadAsStreamAsync(cancel.Token));
        var heard = new List<string>();
        try
        {
            while (await other.ReadLineAsync(quiet.Token) is { } line)
                if (line.StartsWith("data:", StringComparison.Ordinal)) heard.Add(line);
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Empty(heard);
    }

    [Fact]
    public async Task The_feed_ends_when_the_operators_token_is_revoked()
    {
        var http = _gateway.CreateClient();
        var operatorToken = await _gateway.ServiceTokenAsync(http, "operator-01", "Operator#Dev2026");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var feed = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/events", operatorToken),
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.NoContent,
            (await http.SendAsync(GatewayFactory.With(HttpMethod.Delete, "/api/v1/service-tokens/current", operatorToken))).StatusCode);

        using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(cancel.Token));
        // The stream closes well before the test's deadline (events of other tests may pass first); the test server
        // reports the server's end of the response as an IOException.
        try
        {
            while (await reader.ReadLineAsync(cancel.Token) is not null)
            {
            }
        }
        catch (IOException) when (!cancel.IsCancellationRequested)
        {
        }
        Assert.False(cancel.IsCancellationRequested);
    }
}
