using System.Diagnostics;
using System.Net;

namespace Orleans.VNeID.LoadDriver;

/// <summary>Latency percentiles and throughput of one batch of requests.</summary>
public sealed record Rate(int Requests, int Failures, double Seconds, double PerSecond, double P50Ms, double P99Ms)
{
    public static Rate From(IReadOnlyList<double> latenciesMs, int failures, TimeSpan elapsed)
    {
        var sorted = latenciesMs.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var ok = sorted.Length - failures;
        return new Rate(sorted.Length, failures, elapsed.TotalSeconds, ok / elapsed.TotalSeconds, Math.Round(At(0.50), 2), Math.Round(At(0.99), 2));
    }
}

/// <summary>
/// Runs one request per work item with a fixed number of concurrent workers over keep-alive connections, and times
/// each request from send to the end of the answer. A request counts as failed when its status is not the expected one.
/// </summary>
public static class Load
{
    public static HttpClient Client(string baseUrl, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<Rate> RunAsync<T>(IReadOnlyList<T> items, int concurrency, Func<T, Task<bool>> send,
        Action<string>? progress = null)
    {
        var latencies = new double[items.Count];
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, items.Count))).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await send(items[i]); }
                catch (HttpRequestException) { ok = false; }
                catch (TaskCanceledException) { ok = false; }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok) Interlocked.Increment(ref failures);
                if (progress is not null && i > 0 && i % 10_000 == 0) progress($"{i:N0} / {items.Count:N0}");
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return Rate.From(latencies, failures, clock.Elapsed);
    }
}
