using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Orleans.VNeID.LoadDriver;

/// <summary>One phase of the operations drill, as measured.</summary>
public sealed record DrillPhase(
    string Name,
    string Action,
    double Seconds,
    int Requests,
    int Declarations,
    int StatusReads,
    Dictionary<string, int> Failures,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    int Acknowledged,
    int AcknowledgedLost,
    double? LastFailureAfterSeconds,
    bool Graceful);

public sealed record DrillFigures(DateTimeOffset At, double WriteRate, double ReadRate, string Deadline, List<DrillPhase> Phases, string Elapsed);

/// <summary>
/// The operations drill (docs/operations.md): declarations and status reads go through the gateway at a steady rate
/// while scripts/cluster.sh (a) adds a silo, (b) removes one gracefully, (c) restarts every silo in turn, (d) SIGKILLs
/// one, (e) stops PostgreSQL for ten seconds and (f) freezes a silo for thirty. Each request is recorded with the phase
/// it was sent in; afterwards every acknowledged declaration is looked for in the audit trail (its durable record).
/// </summary>
public static class OperationsDrill
{
    private sealed record Sample(int Phase, bool Write, double SentAt, double Ms, string Outcome, string? IdNumber);

    private sealed record Step(string Name, string Action, bool Graceful, Func<Task> Run);

    public static async Task<DrillFigures> RunAsync(Platform platform, string repoRoot, double writeRate, double readRate,
        int settleSeconds, string deadline)
    {
        var started = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var cluster = Path.Combine(repoRoot, "scripts", "cluster.sh");
        Task Cluster(params string[] args) => Tools.RunAsync("bash", [cluster, .. args]);
        string[] RunningSilos()
        {
            var runDir = Path.Combine(repoRoot, ".local", "run");
            return Directory.GetFiles(runDir, "silo-*.pid")
                .Where(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) && Alive(pid))
                .Select(f => Path.GetFileNameWithoutExtension(f))
                .OrderBy(n => int.Parse(n[5..], CultureInfo.InvariantCulture)).ToArray();
        }
        async Task Settle() => await Task.Delay(TimeSpan.FromSeconds(settleSeconds));

        // Accounts to read: declared before the drill, so every status read has an account behind it.
        var readable = (await platform.DeclareAllAsync(await platform.TakeCitizensAsync(200), 16)).Accepted.Select(c => c.IdNumber).ToArray();
        if (readable.Length < 100) throw new InvalidOperationException($"Only {readable.Length} of 200 accounts to read could be declared.");
        var writable = new ConcurrentQueue<Citizen>(await platform.TakeCitizensAsync((int)(writeRate * 400)));
        var token = await platform.ServiceTokenAsync("operator-01", "Operator#Dev2026");

        var steps = new List<Step>
        {
            new("steady", "no action: the cluster as scripts/up.sh starts it", true, Settle),
            new("a. add a silo", "scripts/cluster.sh add (a third silo joins; the gateway connects to it)", true, async () =>
            {
                await Cluster("add");
                await Settle();
            }),
            new("b. remove a silo", "scripts/cluster.sh remove silo-1 (SIGTERM: its activations hand over, it leaves)", true, async () =>
            {
                await Cluster("remove", "silo-1");
                await Settle();
            }),
            new("c. rolling restart", "scripts/cluster.sh restart (each silo stopped gracefully, started again, waited for)", true, async () =>
            {
                await Cluster("restart");
                await Settle();
            }),
            new("d. SIGKILL a silo", "scripts/cluster.sh kill (the first silo), then start it again after 20 s", false, async () =>
            {
                var victim = RunningSilos()[0];
                await Cluster("kill", victim);
                await Task.Delay(TimeSpan.FromSeconds(20));
                await Cluster("start", victim);
                await Settle();
            }),
            new("e. PostgreSQL stopped 10 s", "scripts/cluster.sh db-pause 10 (pg_ctl stop -m fast, 10 s, start)", false, async () =>
            {
                await Cluster("db-pause", "10");
                await Settle();
                await Settle();
            }),
            new("f. silo frozen 30 s", "scripts/cluster.sh freeze (the last silo) 30: SIGSTOP, 30 s, SIGCONT; started again once it has left", false, async () =>
            {
                var victim = RunningSilos()[^1];
                await Cluster("freeze", victim, "30");
                // Declared dead while frozen, it stops itself when it wakes; then it starts again as a new member.
                for (var i = 0; i < 60 && RunningSilos().Contains(victim); i++) await Task.Delay(500);
                if (!RunningSilos().Contains(victim)) await Cluster("start", victim);
                await Settle();
            }),
        };

        var phase = 0;
        var phaseStarts = new double[steps.Count];
        var samples = new ConcurrentBag<Sample>();
        using var stop = new CancellationTokenSource();

        async Task Paced(double perSecond, int workers, Func<Task> send)
        {
            var interval = workers / perSecond;
            var next = clock.Elapsed.TotalSeconds;
            while (!stop.IsCancellationRequested)
            {
                next += interval;
                var wait = next - clock.Elapsed.TotalSeconds;
                if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
                else next = clock.Elapsed.TotalSeconds; // behind (a slow answer): no burst to catch up
                await send();
            }
        }

        async Task Timed(bool write, string? id, Func<Task<HttpResponseMessage>> request, HttpStatusCode expected)
        {
            var current = Volatile.Read(ref phase);
            var sentAt = clock.Elapsed.TotalSeconds;
            string outcome;
            try
            {
                using var answer = await request();
                outcome = answer.StatusCode == expected ? "ok"
                    : answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.Headers.RetryAfter is null ? "503 without Retry-After"
                    : ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                outcome = e is TaskCanceledException ? "no answer in 60 s" : "connection failed";
            }
            samples.Add(new Sample(current, write, sentAt, (clock.Elapsed.TotalSeconds - sentAt) * 1000, outcome, id));
        }

        Task Declare() => writable.TryDequeue(out var c)
            ? Timed(true, c.IdNumber, () => platform.Http.PostAsJsonAsync("/api/v1/accounts", new
            {
                idNumber = c.IdNumber, fullName = c.FullName, dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"), gender = c.Gender, phone = c.Phone,
            }), HttpStatusCode.Accepted)
            : Task.Delay(100);
        Task Read()
        {
            var id = readable[Random.Shared.Next(readable.Length)];
            return Timed(false, null, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{id}/status");
                request.Headers.Authorization = new("Bearer", Volatile.Read(ref token));
                return platform.Http.SendAsync(request);
            }, HttpStatusCode.OK);
        }
        // The operator's token lives five minutes: a fresh one every minute (a failed refresh keeps the current one).
        async Task RefreshToken()
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromMinutes(1), stop.Token); } catch (OperationCanceledException) { return; }
                try { Volatile.Write(ref token, await platform.ServiceTokenAsync("operator-01", "Operator#Dev2026")); }
                catch (HttpRequestException) { }
            }
        }

        const int writers = 16, readers = 16;
        var load = Enumerable.Range(0, writers).Select(_ => Paced(writeRate, writers, Declare))
            .Concat(Enumerable.Range(0, readers).Select(_ => Paced(readRate, readers, Read)))
            .Append(RefreshToken()).ToArray();
        for (var i = 0; i < steps.Count; i++)
        {
            phaseStarts[i] = clock.Elapsed.TotalSeconds;
            Volatile.Write(ref phase, i);
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {steps[i].Name}: {steps[i].Action}");
            await steps[i].Run();
        }
        var end = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        await Task.WhenAll(load);

        // Every acknowledged declaration must be in the audit trail (appended before the 202 was sent).
        var acknowledged = samples.Where(s => s.Write && s.Outcome == "ok").ToList();
        var stored = await AuditedDeclarationsAsync(platform.ConnectionString, acknowledged.Select(s => s.IdNumber!).ToArray());

        var phases = new List<DrillPhase>();
        for (var i = 0; i < steps.Count; i++)
        {
            var inPhase = samples.Where(s => s.Phase == i).ToList();
            var latencies = inPhase.Select(s => s.Ms).Order().ToArray();
            double At(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            var failed = inPhase.Where(s => s.Outcome != "ok").ToList();
            var acks = inPhase.Where(s => s.Write && s.Outcome == "ok").ToList();
            var length = (i + 1 < steps.Count ? phaseStarts[i + 1] : end) - phaseStarts[i];
            phases.Add(new DrillPhase(steps[i].Name, steps[i].Action, Math.Round(length, 1), inPhase.Count, inPhase.Count(s => s.Write),
                inPhase.Count(s => !s.Write), failed.GroupBy(s => s.Outcome).ToDictionary(g => g.Key, g => g.Count()),
                Math.Round(At(0.50), 1), Math.Round(At(0.99), 1), Math.Round(latencies.LastOrDefault(), 1),
                acks.Count, acks.Count(s => !stored.Contains(s.IdNumber!)),
                failed.Count == 0 ? null : Math.Round(failed.Max(s => s.SentAt + s.Ms / 1000) - phaseStarts[i], 1), steps[i].Graceful));
        }
        var elapsed = started.Elapsed;
        return new DrillFigures(DateTimeOffset.Now, writeRate, readRate, deadline, phases, $"{(int)elapsed.TotalMinutes} min {elapsed.Seconds} s");
    }

    /// <summary>
    /// The accounts among <paramref name="ids"/> whose declaration is in the audit trail. The pool's connections did not
    /// survive the database's restart, so it is emptied first, and the read is tried again while the database recovers.
    /// </summary>
    private static async Task<HashSet<string>> AuditedDeclarationsAsync(string connectionString, string[] ids)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                var stored = new HashSet<string>();
                await using var db = new NpgsqlConnection(connectionString);
                await db.OpenAsync();
                await using var read = new NpgsqlCommand("select distinct account_id from audit.entries where kind = 0 and account_id = any(@ids)", db);
                read.Parameters.AddWithValue("ids", ids);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
                return stored;
            }
            catch (Exception e) when (e is NpgsqlException or IOException && attempt < 30)
            {
                await Task.Delay(1000);
            }
        }
    }

    private static bool Alive(int pid)
    {
        try { return !Process.GetProcessById(pid).HasExited; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>The figures as a Markdown section, put between the drill markers of docs/operations.md.</summary>
    public static string Markdown(DrillFigures f)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        void L(string line = "") => md.AppendLine(line);
        L($"Measured by `scripts/drill.sh` on {f.At.ToString("yyyy-MM-dd HH:mm zzz", inv)} ({f.Elapsed} for the whole command), on this");
        L($"repository's 2-core machine: PostgreSQL, the gateway, two or three silos and the load driver share the cores. Load:");
        L($"declarations at {f.WriteRate.ToString("0", inv)}/s and operator status reads at {f.ReadRate.ToString("0", inv)}/s through the gateway (16 + 16 paced");
        L($"connections), without pause across the phases. Grain-call deadline (`Messaging:ResponseTimeout`): {f.Deadline}.");
        L();
        L("| phase | s | requests (decl. / reads) | failed, by answer | p50 ms | p99 ms | max ms | acknowledged writes | lost | last failure after |");
        L("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in f.Phases)
        {
            var failures = p.Failures.Count == 0 ? "**0**" : string.Join(", ", p.Failures.OrderByDescending(x => x.Value).Select(x => $"{x.Value} × {x.Key}"));
            L($"| {p.Name} | {p.Seconds.ToString("0", inv)} | {p.Requests:N0} ({p.Declarations:N0} / {p.StatusReads:N0}) | {failures} | " +
              $"{p.P50Ms.ToString("0.0", inv)} | {p.P99Ms.ToString("0.0", inv)} | {p.MaxMs.ToString("0", inv)} | {p.Acknowledged:N0} | " +
              $"**{p.AcknowledgedLost}** | {(p.LastFailureAfterSeconds is { } s ? s.ToString("0.0", inv) + " s" : "–")} |");
        }
        L();
        var graceful = f.Phases.Where(p => p.Graceful).ToList();
        var gracefulFailures = graceful.Sum(p => p.Failures.Values.Sum());
        var faultsNot503 = f.Phases.Where(p => !p.Graceful).SelectMany(p => p.Failures).Where(x => x.Key != "503").Sum(x => x.Value);
        var lost = f.Phases.Sum(p => p.AcknowledgedLost);
        L($"- Graceful phases (steady, a–c): **{gracefulFailures} failed request(s)** (target 0).");
        L($"- Fault phases (d–f): answers other than 503 with Retry-After: **{faultsNot503}** (target 0).");
        L($"- Acknowledged declarations not found in the audit trail afterwards: **{lost}** of {f.Phases.Sum(p => p.Acknowledged):N0} (target 0).");
        L("- \"Last failure after\" is the time from the phase's start to the answer of its last failed request: how long the");
        L("  cluster took to serve everything again.");
        return md.ToString();
    }

    public static void WriteInto(string document, DrillFigures figures)
    {
        const string begin = "<!-- drill:begin (scripts/drill.sh writes this section) -->", end = "<!-- drill:end -->";
        var text = File.ReadAllText(document);
        var a = text.IndexOf(begin, StringComparison.Ordinal);
        var b = text.IndexOf(end, StringComparison.Ordinal);
        if (a < 0 || b < a) throw new InvalidOperationException($"{document} has no drill markers.");
        File.WriteAllText(document, text[..(a + begin.Length)] + "\n" + Markdown(figures) + text[b..]);
    }

    public static string Json(DrillFigures figures) => JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true });
}
