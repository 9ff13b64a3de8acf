using System.Net;
using System.Net.Http.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The account-events stream on the platform's PostgreSQL (issue 12): published in the durable path, consumed once.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountEventStreamTests(PlatformFixture platform)
{
    [Fact]
    public async Task Declarations_reach_the_counting_consumer_once_each_through_the_persistent_stream()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2);
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(24);
        await Task.WhenAll(citizens.Select(async c => await PlatformApi.ExpectStatusAsync(HttpStatusCode.Accepted, await api.DeclareAsync(c))));

        // Kind 0 is Declared; every acknowledged declaration is counted once, and the queue drains.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long counted;
        while ((counted = await platform.ScalarAsync(
                   "select coalesce(sum(count), 0) from events.kind_counts where service_id = $1 and kind = 0", cluster.ClusterId)) < citizens.Count
               && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(citizens.Count, counted);
        while (await platform.ScalarAsync("select count(*) from orleans.stream_messages where service_id = $1", cluster.ClusterId) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_messages where service_id = $1", cluster.ClusterId));
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_dead_letters where service_id = $1", cluster.ClusterId));
        // Nothing counted twice once the queue is empty; operators read the same counts.
        Assert.Equal(citizens.Count, await platform.ScalarAsync(
            "select coalesce(sum(count), 0) from events.kind_counts where service_id = $1 and kind = 0", cluster.ClusterId));
        using var counts = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/counts");
        counts.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await api.OperatorTokenAsync());
        var read = await (await cluster.Http.SendAsync(counts)).Content.ReadFromJsonAsync<Dictionary<string, long>>();
        Assert.Equal(citizens.Count, read!["declared"]);
    }

    [Fact]
    public async Task An_operator_watches_a_lock_and_an_unlock_live_filtered_by_kind()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        var operatorToken = await api.OperatorTokenAsync();

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?kind=locked&kind=unlocked");
        watch.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorToken);
        using var feed = await cluster.Http.SendAsync(watch, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", feed.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(cancel.Token));

        // The gateway renews its feed subscription at start; lock and unlock once it listens (a few tries).
        var seen = new List<string>();
        var acting = Task.Run(async () =>
        {
            await Task.Delay(1000, cancel.Token);
            foreach (var action in new[] { "lock", "unlock" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/{action}")
                    { Content = JsonContent.Create(new { reason = "feed test" }) };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorToken);
                (await cluster.Http.SendAsync(request, cancel.Token)).EnsureSuccessStatusCode();
            }
        }, cancel.Token);
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains(citizen.IdNumber)) seen.Add(line);
            if (seen.Count == 2) break;
        }
        await acting;
        // Each event carries its account's sequence: the feed is live, and a listener orders an account's events by it.
        Assert.Single(seen, l => l.Contains("\"kind\":\"locked\"") && l.Contains("\"actorRole\":\"operator\""));
        Assert.Single(seen, l => l.Contains("\"kind\":\"unlocked\""));
        Assert.DoesNotContain(citizen.FullName, string.Join("", seen));
        Assert.DoesNotContain(citizen.Phone!, string.Join("", seen));
    }
}
