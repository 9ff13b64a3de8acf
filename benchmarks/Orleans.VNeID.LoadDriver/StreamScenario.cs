using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Orleans.VNeID.LoadDriver;

/// <summary>
/// The account-events stream (issue 12): how long after its acknowledgement a declaration's event reaches a consumer,
/// and what happens to the backlog while a consumer's store refuses writes for a while.
/// </summary>
public sealed record StreamFigures(
    int Events, double P50Ms, double P99Ms, double MaxMs, int Concurrency,
    int OutageSeconds, int DeclaredDuringOutage, long BacklogAtRecovery, double DrainSeconds, double DrainPerSecond, long Lost);

public static class StreamScenario
{
    public static async Task<StreamFigures> RunAsync(Platform platform, int count, int concurrency, int outageSeconds)
    {
        var token = await platform.ServiceTokenAsync("operator-01", "Operator#Dev2026");

        // Latency: the operators' feed is one consumer's view (the relay grain of each stream, then the feed grain and the
        // gateway's observer); a declaration's event is timed from the driver receiving its 202 to the feed line arriving.
        var received = new ConcurrentDictionary<string, long>();
        using var cancel = new CancellationTokenSource();
        using var feedRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?kind=declared");
        feedRequest.Headers.Authorization = new("Bearer", token);
        using var feed = await platform.Http.SendAsync(feedRequest, HttpCompletionOption.ResponseHeadersRead);
        feed.EnsureSuccessStatusCode();
        var reading = Task.Run(async () =>
        {
            using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(cancel.Token));
            try
            {
                while (await reader.ReadLineAsync(cancel.Token) is { } line)
                    if (line.StartsWith("data:", StringComparison.Ordinal))
                        received.TryAdd(JsonDocument.Parse(line[5..]).RootElement.GetProperty("accountId").GetString()!, Stopwatch.GetTimestamp());
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Task.Delay(500);
        var acknowledged = new ConcurrentDictionary<string, long>();
        await Load.RunAsync(await platform.TakeCitizensAsync(count), concurrency, async c =>
        {
            var ok = await platform.DeclareAsync(c);
            if (ok) acknowledged[c.IdNumber] = Stopwatch.GetTimestamp();
            return ok;
        });
        var wait = Stopwatch.StartNew();
        while (acknowledged.Keys.Any(id => !received.ContainsKey(id)) && wait.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        await cancel.CancelAsync();
        await reading;
        var latencies = acknowledged.Where(a => received.ContainsKey(a.Key))
            .Select(a => Math.Max(0, Stopwatch.GetElapsedTime(a.Value, received[a.Key]).TotalMilliseconds)).Order().ToArray();
        if (latencies.Length < acknowledged.Count)
            Console.WriteLine($"  {acknowledged.Count - latencies.Length} events did not reach the live feed within a minute (it is a live view: a slow listener loses its oldest)");
        double Percentile(double p) => latencies.Length == 0 ? 0 : Math.Round(latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))], 1);

        // Backlog: the counting consumer's tables refuse the application role's writes for a while (its store is down);
        // declarations go on; then the writes are allowed again and the consumer catches up.
        const string Counted = "select coalesce(sum(count), 0)::bigint from events.kind_counts where kind = 0";
        var roles = new List<string>();
        await using (var db = new Npgsql.NpgsqlConnection(platform.ConnectionString))
        {
            await db.OpenAsync();
            await using var find = new Npgsql.NpgsqlCommand(
                "select distinct grantee from information_schema.role_table_grants where table_schema = 'events' and privilege_type = 'INSERT' and grantee <> current_user", db);
            await using var r = await find.ExecuteReaderAsync();
            while (await r.ReadAsync()) roles.Add(r.GetString(0));
        }
        var grantees = string.Join(", ", roles.Select(r => $"\"{r}\""));
        var before = await platform.ScalarAsync<long>(Counted);
        await platform.ScalarAsync<int>($"revoke insert, update on events.applied, events.kind_counts from {grantees}; select 0");
        var declaredDuringOutage = 0;
        try
        {
            var citizens = await platform.TakeCitizensAsync(Math.Max(1000, outageSeconds * 400));
            var next = -1;
            var outage = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while (outage.Elapsed.TotalSeconds < outageSeconds && (i = Interlocked.Increment(ref next)) < citizens.Count)
                    if (await platform.DeclareAsync(citizens[i])) Interlocked.Increment(ref declaredDuringOutage);
            })));
        }
        finally
        {
            await platform.ScalarAsync<int>($"grant insert, update on events.applied, events.kind_counts to {grantees}; select 0");
        }
        var backlog = await platform.ScalarAsync<long>("select count(*) from orleans.stream_messages");
        var atRecovery = await platform.ScalarAsync<long>(Counted);
        var expected = before + declaredDuringOutage;
        var drain = Stopwatch.StartNew();
        long counted;
        while ((counted = await platform.ScalarAsync<long>(Counted)) < expected && drain.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(200);
        var seconds = Math.Round(drain.Elapsed.TotalSeconds, 1);
        var figures = new StreamFigures(latencies.Length, Percentile(0.50), Percentile(0.99), Math.Round(latencies.LastOrDefault(), 1), concurrency,
            outageSeconds, declaredDuringOutage, backlog, seconds, Math.Round((counted - atRecovery) / Math.Max(seconds, 0.1), 1), Math.Max(0, expected - counted));
        Console.WriteLine($"  stream: p50 {figures.P50Ms} ms, p99 {figures.P99Ms} ms to the live feed; {declaredDuringOutage} declared during a {outageSeconds} s " +
                          $"consumer outage, backlog {backlog} messages, drained in {seconds} s ({figures.DrainPerSecond}/s), lost {figures.Lost}");
        return figures;
    }
}
