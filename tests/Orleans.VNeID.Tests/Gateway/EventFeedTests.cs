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
        Assert.Contains(seen, l => l.Contains("\"kind\":\"locked\"") && l.Contains("officer-hn-01"));
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
}
