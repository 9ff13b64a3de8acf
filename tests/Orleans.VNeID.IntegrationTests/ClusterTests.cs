using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>Real silo and gateway processes over real PostgreSQL, as the README's first command runs them.</summary>
[Collection(PlatformCollection.Name)]
public class ClusterTests(PlatformFixture platform)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_registration_survives_a_silo_restart()
    {
        await using var cluster = new PlatformCluster();
        var silo = cluster.StartSilo("silo-1");
        cluster.StartGateway();
        await cluster.WaitUntilReadyAsync(platform, silos: 1);
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        // Graceful stop (SIGTERM), then a new silo process.
        await cluster.StopAsync(silo, graceful: true);
        cluster.StartSilo("silo-1-restarted");
        await cluster.WaitUntilReadyAsync(platform, silos: 1);

        var token = await api.OperatorTokenAsync();
        Assert.Equal("level1", await api.SettledStatusAsync(citizen.IdNumber, token, Settle));
        Assert.Equal(HttpStatusCode.OK, (await api.LogInAsync(citizen.IdNumber)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeclareAsync(citizen)).StatusCode);
    }

    [Fact]
    public async Task Two_nodes_each_a_silo_with_the_gateway_serve_the_api_and_commit_state_audit_messages_and_stream_event_together()
    {
        // The default topology of scripts/up.sh: every silo process serves HTTP itself.
        await using var cluster = new PlatformCluster();
        var second = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        cluster.StartNode("node-1");
        cluster.StartNode("node-2", second);
        await cluster.WaitUntilReadyAsync(platform, silos: 2);
        using var otherHttp = new HttpClient { BaseAddress = new Uri(second), Timeout = TimeSpan.FromSeconds(60) };
        var first = new PlatformApi(cluster.Http);
        var other = new PlatformApi(otherHttp);
        // A node's HTTP listener opens once its silo has joined: the second may still be a moment behind.
        var ready = false;
        for (var wait = DateTime.UtcNow.AddSeconds(30); !ready && DateTime.UtcNow < wait; await Task.Delay(200))
        {
            try { ready = (await otherHttp.GetAsync("/health/ready")).IsSuccessStatusCode; } catch (HttpRequestException) { }
        }
        Assert.True(ready, "The second node's gateway did not become ready.");

        // Declared through one node, activated and logged in through the other, read through both.
        var citizens = platform.TakeCitizens(8);
        foreach (var c in citizens)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await first.DeclareAsync(c)).StatusCode);
            var code = await other.CodeSentToAsync(c.Phone!);
            var activated = await otherHttp.PostAsJsonAsync($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = code, password = PlatformApi.Password });
            Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.LogInAsync(c.IdNumber)).StatusCode);
        }
        var token = await other.OperatorTokenAsync();
        foreach (var c in citizens)
        {
            Assert.Equal("level1", await first.SettledStatusAsync(c.IdNumber, token, TimeSpan.FromSeconds(10)));
            Assert.Equal("level1", await other.SettledStatusAsync(c.IdNumber, token, TimeSpan.FromSeconds(10)));
        }

        // Each declaration's audit entry was committed with the state (the account-commit port), and its event, written into
        // the stream's queue by the same transaction, reached the counting consumer once.
        var ids = citizens.Select(c => c.IdNumber).ToArray();
        Assert.Equal(8, await platform.ScalarAsync(
            "select count(*) from audit.entries where service_id = $1 and kind = 0 and account_id = any($2)", cluster.ClusterId, ids));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long applied;
        while ((applied = await platform.ScalarAsync(
                   "select count(*) from events.applied where service_id = $1 and consumer = 'kind-counts' and split_part(event_id, ':', 1) = any($2)",
                   cluster.ClusterId, ids)) < 8 * 2 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        // Declared and activated, at least (a login raises no event of its own unless it fails).
        Assert.True(applied >= 16, $"{applied} events applied");
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_dead_letters where service_id = $1", cluster.ClusterId));
    }

    [Fact]
    public async Task With_two_silos_every_account_is_reachable_through_the_gateway_whichever_silo_hosts_it()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2);
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(16);
        await Task.WhenAll(citizens.Select(api.RegisterAndActivateAsync));

        var token = await api.OperatorTokenAsync();
        foreach (var c in citizens) Assert.Equal("level1", await api.SettledStatusAsync(c.IdNumber, token, TimeSpan.FromSeconds(10)));

        var hosts = await ActivationsPerSiloAsync(cluster);
        Assert.Equal(2, hosts.Count(h => h.Value > 0));
        Assert.True(hosts.Values.Sum() >= citizens.Count);

        // Kestrel's body limit, over real HTTP.
        var big = await cluster.Http.PostAsync("/api/v1/accounts", new StringContent(new string('a', 100_000), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal("request_too_large", (await big.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Bad_input_a_database_outage_is_logged_once_per_window_with_a_count_not_once_per_request()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["OutageLog:Window"] = "00:00:03" });
        var api = new PlatformApi(cluster.Http);
        var people = platform.TakeCitizens(120);
        var role = PlatformFixture.ApplicationRole;
        async Task Admin(string sql)
        {
            await using var command = platform.Database.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }
        static int Entries(string path) => File.ReadAllLines(path).Count(l => l.StartsWith("fail:") || l.StartsWith("warn:"));
        await Task.Delay(1000);
        var before = (Silo: Entries(cluster.LogPath("silo-1")), Gateway: Entries(cluster.LogPath("gateway")));

        // For a few seconds the database refuses the application every read of grain state (the owner revokes it):
        // every login of an account not yet active in the silo fails on the database.
        await Admin($"revoke all on orleans.storage from \"{role}\"");
        var statuses = new List<HttpStatusCode>();
        try
        {
            foreach (var citizen in people) statuses.Add((await api.LogInAsync(citizen.IdNumber, "Wrong@1234")).StatusCode);
        }
        finally
        {
            await Admin($"grant select, insert, update, delete on orleans.storage to \"{role}\"");
        }
        Assert.True(statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) >= 100, string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        await Task.Delay(TimeSpan.FromSeconds(7)); // the last window closes with its count

        var silo = File.ReadAllText(cluster.LogPath("silo-1"));
        var gateway = File.ReadAllText(cluster.LogPath("gateway"));
        Assert.Contains("more log entries for failures of a dependency", silo);
        Assert.Contains("more log entries for failures of a dependency", gateway);
        // 120 failed requests made at least 5 entries each in the silo before; now a handful per window.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.LogInAsync(people[0].IdNumber, "Wrong@1234")).StatusCode);
        Assert.InRange(Entries(cluster.LogPath("silo-1")) - before.Silo, 1, 30);
        Assert.InRange(Entries(cluster.LogPath("gateway")) - before.Gateway, 1, 20);
    }

    [Fact]
    public async Task The_gateway_is_live_without_its_silos_and_ready_only_with_them_and_its_database_and_both_show_metrics()
    {
        var siloManagement = PlatformFixture.FreePort();
        var gatewayManagement = PlatformFixture.FreePort();
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Silo:ManagementPort"] = siloManagement.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:ManagementPort"] = gatewayManagement.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Prometheus text: HTTP, the Orleans client and Npgsql on the gateway; Orleans and the platform's counters on the silo.
        await PlatformApi.ExpectStatusAsync(HttpStatusCode.Accepted, await new PlatformApi(cluster.Http).DeclareAsync(platform.TakeCitizens(1)[0]));
        // Not on the public listener: only on the gateway's management port.
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Http.GetAsync("/metrics")).StatusCode);
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayManagement}") };
        var gatewayMetrics = await management.GetStringAsync("/metrics");
        foreach (var name in new[] { "http_server_request_duration_seconds", "orleans_app_requests_latency", "db_client_operation_duration_seconds", "dotnet_gc_" })
            Assert.Contains(name, gatewayMetrics);
        using var scrape = new HttpClient();
        var silo = await scrape.GetStringAsync($"http://127.0.0.1:{siloManagement}/metrics");
        foreach (var name in new[] { "orleans_catalog_activations", "vneid_account_events_total{otel_scope_name=\"Orleans.VNeID\",kind=\"Declared\"} 1", "db_client_",
                     "vneid_backlog{otel_scope_name=\"Orleans.VNeID\",queue=\"outbox\"}" })
            Assert.Contains(name, silo);
        // The silo's own health on its management port: live, and ready as an active member with its database.
        Assert.Equal(HttpStatusCode.OK, (await scrape.GetAsync($"http://127.0.0.1:{siloManagement}/health/live")).StatusCode);
        var siloReady = await scrape.GetFromJsonAsync<System.Text.Json.JsonElement>($"http://127.0.0.1:{siloManagement}/health/ready");
        Assert.Equal("healthy", siloReady.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
        Assert.Equal("healthy", siloReady.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());

        // The Orleans dashboard: operators only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await cluster.Http.GetAsync("/dashboard/")).StatusCode);
        using (var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/"))
        {
            dashboard.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await new PlatformApi(cluster.Http).OperatorTokenAsync());
            var page = await cluster.Http.SendAsync(dashboard);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        var ready = await cluster.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("cluster").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());

        await cluster.StopAsync(cluster.Named("silo-1"), graceful: true);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        while ((status = (await cluster.Http.GetAsync("/health/ready")).StatusCode) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Killing_a_silo_loses_no_activated_account_and_no_queued_message()
    {
        await using var cluster = new PlatformCluster();
        cluster.StartSilo("silo-1");
        var victim = cluster.StartSilo("silo-2");
        cluster.StartGateway();
        await cluster.WaitUntilReadyAsync(platform, silos: 2);
        var api = new PlatformApi(cluster.Http);
        var activated = platform.TakeCitizens(12);
        var pending = platform.TakeCitizens(8);
        await Task.WhenAll(activated.Select(api.RegisterAndActivateAsync));
        foreach (var c in pending) Assert.Equal(HttpStatusCode.Accepted, (await api.DeclareAsync(c)).StatusCode);

        await cluster.StopAsync(victim, graceful: false);

        var token = await api.OperatorTokenAsync();
        foreach (var c in activated)
        {
            Assert.Equal("level1", await api.SettledStatusAsync(c.IdNumber, token, Settle));
            Assert.Equal(HttpStatusCode.OK, (await api.LogInAsync(c.IdNumber)).StatusCode);
        }
        foreach (var c in pending) Assert.Equal("pendingActivation", await api.SettledStatusAsync(c.IdNumber, token, Settle));

        // Every message each account asked for is in the outbox: the code for all, the activation notice for the activated.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var (c, expected) in activated.Select(c => (c, 2L)).Concat(pending.Select(c => (c, 1L))))
        {
            long count;
            while ((count = await platform.ScalarAsync("select count(*) from notifications.outbox where recipient = $1", c.Phone!)) < expected
                   && DateTime.UtcNow < deadline)
                await Task.Delay(250);
            Assert.Equal(expected, count);
        }
    }

    // Issue 15, group commit: a command's answer still means it is durable. While declarations run, every database
    // connection of the application is killed again and again, mid-batch; afterwards each acknowledged declaration has
    // its state, its audit entry and its code's SMS stored (at once: they commit together), and each refused one none.
    [Fact]
    public async Task Group_commit_connections_killed_mid_batch_keep_every_acknowledged_declaration_whole_and_no_refused_one()
    {
        await using var cluster = new PlatformCluster();
        cluster.StartSilo("silo-1");
        cluster.StartGateway();
        await cluster.WaitUntilReadyAsync(platform, silos: 1);
        var api = new PlatformApi(cluster.Http);

        var answers = new System.Collections.Concurrent.ConcurrentDictionary<CitizenRecord, HttpStatusCode>();
        var kills = 0L;
        for (var round = 0; round < 3 && !(answers.Values.Any(s => s == HttpStatusCode.Accepted) && answers.Values.Any(s => s != HttpStatusCode.Accepted)); round++)
        {
            using var stop = new CancellationTokenSource();
            var killer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    // The application role may end its own sessions: the silo's pooled connections die under it.
                    await using var kill = platform.ApplicationDatabase.CreateCommand(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = current_user and pid <> pg_backend_pid() and datname = current_database()");
                    Interlocked.Add(ref kills, Convert.ToInt64(await kill.ExecuteScalarAsync()));
                    await Task.Delay(60);
                }
            });
            await Parallel.ForEachAsync(platform.TakeCitizens(150), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (c, _) => answers[c] = (await api.DeclareAsync(c)).StatusCode);
            await stop.CancelAsync();
            await killer;
        }

        Assert.True(kills > 0);
        Assert.All(answers.Values, s => Assert.Contains(s, new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }));
        var acknowledged = answers.Where(a => a.Value == HttpStatusCode.Accepted).Select(a => a.Key).ToList();
        var refused = answers.Where(a => a.Value != HttpStatusCode.Accepted).Select(a => a.Key).ToList();
        Assert.NotEmpty(acknowledged);
        Assert.NotEmpty(refused);

        async Task<(long State, long Audit, long Sms)> StoredAsync(CitizenRecord c) => (
            // This cluster's rows only: a local test database keeps earlier runs' (the same seeded citizens, other service ids).
            await platform.ScalarAsync("select count(*) from orleans.storage where service_id = $1 and grain_type_string = 'account' and grain_id_n1 = $2 and payload_binary is not null",
                cluster.ClusterId, Convert.ToInt64(c.IdNumber, 16)),
            await platform.ScalarAsync("select count(*) from audit.entries where service_id = $1 and account_id = $2 and kind = $3",
                cluster.ClusterId, c.IdNumber, (short)Accounts.AccountEventKind.Declared),
            await platform.ScalarAsync("select count(*) from notifications.outbox where account_id = $1 and channel = $2", c.IdNumber, (short)Accounts.NotificationChannel.Sms));
        foreach (var c in acknowledged) Assert.Equal((1L, 1L, 1L), await StoredAsync(c));
        foreach (var c in refused) Assert.Equal((0L, 0L, 0L), await StoredAsync(c));
    }

    [Fact]
    public async Task A_frozen_silo_holds_no_request_past_the_deadline_and_is_declared_dead_while_frozen()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2);
        var api = new PlatformApi(cluster.Http);
        var people = platform.TakeCitizens(40);
        foreach (var batch in people.Chunk(8))
            await Task.WhenAll(batch.Select(async c => await PlatformApi.ExpectStatusAsync(HttpStatusCode.Accepted, await api.DeclareAsync(c))));
        var token = await api.OperatorTokenAsync();
        var frozen = cluster.Named("silo-2");
        var deadline = TimeSpan.Parse(PlatformFixture.Setting("Messaging:ResponseTimeout"), System.Globalization.CultureInfo.InvariantCulture);

        using (Process.Start("kill", ["-STOP", frozen.Id.ToString()])!) { }
        try
        {
            // Reads of accounts on both silos while it is frozen, past the deadline at least and until the cluster declares
            // it dead (25 s at most): each is answered, 200 or 503 with Retry-After, and none is held for the freeze.
            var answers = new List<(HttpStatusCode Status, bool RetryAfter, TimeSpan Took)>();
            var frozenFor = System.Diagnostics.Stopwatch.StartNew();
            while (frozenFor.Elapsed < TimeSpan.FromSeconds(25) &&
                   (frozenFor.Elapsed < deadline + TimeSpan.FromSeconds(3) || await DeclaredDeadAsync(cluster) == 0))
                await Task.WhenAll(people.Take(8).Select(async c =>
                {
                    var started = System.Diagnostics.Stopwatch.StartNew();
                    using var answer = await api.StatusAsync(c.IdNumber, token);
                    lock (answers) answers.Add((answer.StatusCode, answer.Headers.RetryAfter is not null, started.Elapsed));
                }));
            Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK || a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter,
                $"{a.Status} (Retry-After: {a.RetryAfter})"));
            Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable); // some accounts were on the frozen silo
            // The deadline and a margin for this shared machine, far below the 25 s the silo stayed frozen.
            Assert.True(answers.Max(a => a.Took) < deadline + TimeSpan.FromSeconds(3), $"slowest answer {answers.Max(a => a.Took)}");

            // Declared dead while still frozen; its accounts answer from the other silo.
            Assert.Equal(1, await DeclaredDeadAsync(cluster));
            // Its accounts answer from the other silo, once the survivors have taken the news (seconds; it is still frozen).
            await PlatformFixture.EventuallyAsync(async () =>
            {
                foreach (var c in people)
                    if ((await api.StatusAsync(c.IdNumber, token)).StatusCode != HttpStatusCode.OK) return false;
                return true;
            }, 20);
            Assert.Equal(1, await DeclaredDeadAsync(cluster));
        }
        finally
        {
            using (Process.Start("kill", ["-CONT", frozen.Id.ToString()])!) { }
        }
        // Woken, it learns it was declared dead and stops by itself.
        await frozen.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    private Task<long> DeclaredDeadAsync(PlatformCluster cluster) =>
        platform.ScalarAsync("select count(*) from orleans.membership where deployment_id = $1 and status = 6", cluster.ClusterId);

    private async Task<Dictionary<SiloAddress, int>> ActivationsPerSiloAsync(PlatformCluster cluster)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PlatformFixture.ConnectionString) { SearchPath = "orleans" }.ConnectionString;
        using var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ClusterId; });
                client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connection; });
            })
            .Build();
        await host.StartAsync();
        var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        await host.StopAsync();
        var accountType = GrainType.Create("citizenaccount");
        return statistics.Where(s => s.GrainId.Type == accountType).GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Count());
    }
}
