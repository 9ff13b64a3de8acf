using Microsoft.Extensions.Configuration;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The account-events stream on the platform's PostgreSQL (issue 12): published in the durable path, consumed once.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountEventStreamTests(PlatformFixture platform, Xunit.Abstractions.ITestOutputHelper output)
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

    [Fact]
    public async Task Killing_a_silo_under_declaration_load_loses_no_event_each_acknowledged_declaration_is_delivered_and_applied_once()
    {
        // A short lease, so what the dead silo had leased comes back within the test (the platform's is a minute).
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2,
            settings: new Dictionary<string, string> { ["Streams:VisibilityTimeout"] = "00:00:15" });
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(300);
        var acknowledged = new ConcurrentBag<string>();
        var next = -1;
        async Task DeclareAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < citizens.Count)
            {
                try
                {
                    if ((await api.DeclareAsync(citizens[i])).StatusCode == HttpStatusCode.Accepted) acknowledged.Add(citizens[i].IdNumber);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not acknowledged: it may or may not have been committed; the check below is on what was.
                }
            }
        }
        var load = Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(DeclareAsync)));
        while (acknowledged.Count < 100 && !load.IsCompleted) await Task.Delay(10);
        await cluster.StopAsync(cluster.Named("silo-2"), graceful: false);
        await load;
        Assert.InRange(acknowledged.Count, 150, citizens.Count);

        // What was committed (the audit chains) includes every acknowledged declaration …
        var ids = citizens.Select(c => c.IdNumber).ToArray();
        var committed = await AuditedAsync();
        Assert.Empty(acknowledged.Except(committed.Select(e => e.Split(':')[0])));

        // … and each acknowledged declaration's event reaches the counting consumer by itself (at least once: what the
        // dead silo had leased comes again; a dispatch cut short is redriven) and is applied once.
        var acknowledgedEvents = committed.Where(e => acknowledged.Contains(e.Split(':')[0])).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (await AppliedAsync(acknowledgedEvents) < acknowledgedEvents.Length && DateTime.UtcNow < deadline) await Task.Delay(500);
        var missing = acknowledgedEvents.Except(await AppliedListAsync(acknowledgedEvents)).ToArray();
        Assert.True(missing.Length == 0, $"Not applied: {string.Join(", ", missing)}");

        // A declaration committed but not acknowledged (its silo died between the commit and the answer) had its audit
        // entry, its messages and its stream message committed with its state (the account-commit port): its event is
        // applied like the others. An operator looks at each account not acknowledged (activating it, which would redrive
        // any event a state still held), and what was committed is read again.
        var operatorToken = await api.OperatorTokenAsync();
        foreach (var id in ids.Except(acknowledged)) await api.StatusAsync(id, operatorToken);
        committed = await AuditedAsync();
        var unacknowledged = committed.Except(acknowledgedEvents).ToArray();
        while (await AppliedAsync(committed.ToArray()) < committed.Count && DateTime.UtcNow < deadline) await Task.Delay(500);
        Assert.Equal(committed.Count, await AppliedAsync(committed.ToArray()));
        while (await platform.ScalarAsync("select count(*) from orleans.stream_messages where service_id = $1", cluster.ClusterId) > 0
               && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_dead_letters where service_id = $1", cluster.ClusterId));
        Assert.Equal(committed.Count, await platform.ScalarAsync(
            "select coalesce(sum(count), 0) from events.kind_counts where service_id = $1 and kind = 0", cluster.ClusterId));
        output.WriteLine($"{citizens.Count} declarations offered, {acknowledged.Count} acknowledged, {committed.Count} committed " +
                         $"({unacknowledged.Length} of them unacknowledged), each applied once; the kill came after 100 acknowledgements.");

        async Task<long> AppliedAsync(string[] events) => (await AppliedListAsync(events)).Count;

        async Task<HashSet<string>> AuditedAsync()
        {
            var audited = new HashSet<string>();
            await using var read = platform.Database.CreateCommand(
                "select account_id || ':' || seq from audit.entries where service_id = $1 and kind = 0 and account_id = any($2)");
            read.Parameters.AddWithValue(cluster.ClusterId);
            read.Parameters.AddWithValue(ids);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) audited.Add(reader.GetString(0));
            return audited;
        }

        async Task<List<string>> AppliedListAsync(string[] events)
        {
            await using var read = platform.Database.CreateCommand(
                "select event_id from events.applied where service_id = $1 and consumer = 'kind-counts' and event_id = any($2)");
            read.Parameters.AddWithValue(cluster.ClusterId);
            read.Parameters.AddWithValue(events);
            var applied = new List<string>();
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) applied.Add(reader.GetString(0));
            return applied;
        }
    }

    [Fact]
    public async Task The_counting_consumer_forgets_event_ids_no_repeat_can_meet_any_more()
    {
        var service = "prune-" + Guid.NewGuid().ToString("N")[..8];
        var store = new Orleans.VNeID.Grains.Events.PostgresEventCountStore(platform.ApplicationDatabase,
            Microsoft.Extensions.Options.Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = service }),
            new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Streams:ExpiryTimeout"] = "1.00:00:00" }).Build(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Orleans.VNeID.Grains.Events.PostgresEventCountStore>.Instance, TimeProvider.System);
        var fresh = new Orleans.VNeID.Events.PublishedAccountEvent("048090000001", 1, Orleans.VNeID.Accounts.AccountEventKind.Declared,
            Orleans.VNeID.Accounts.AccountStatus.Declared, Orleans.VNeID.Accounts.AccountStatus.PendingActivation, DateTimeOffset.UtcNow,
            Orleans.VNeID.Accounts.ActorRole.System, "system");
        await store.CountOnceAsync([fresh, fresh with { AccountId = "048090000002" }]);
        await store.CountOnceAsync([fresh]);
        Assert.Equal(2, await platform.ScalarAsync("select count from events.kind_counts where service_id = $1 and kind = 0", service));
        await using (var age = platform.Database.CreateCommand(
                         "update events.applied set applied_at = now() - interval '25 hours' where service_id = $1 and event_id like '048090000002:%'"))
        {
            age.Parameters.AddWithValue(service);
            await age.ExecuteNonQueryAsync();
        }

        // The aged id goes, the fresh one stays. The store's first count also started a prune in the background, which may
        // run after the ageing and take the id first: then this call finds nothing left to delete.
        Assert.InRange(await store.PruneAsync(), 0, 1);
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from events.applied where service_id = $1", service));
        // The fresh id still stops a repeat.
        await store.CountOnceAsync([fresh]);
        Assert.Equal(2, await platform.ScalarAsync("select count from events.kind_counts where service_id = $1 and kind = 0", service));
    }
}
