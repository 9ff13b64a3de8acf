using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.LoadDriver;

/// <summary>One scenario measured on both targets in one round.</summary>
public sealed record PeerPoint(string Scenario, int Round, string Target, int Concurrency, double PerSecond, double P50Ms, double P99Ms, long Errors)
{
    /// <summary>The operations done in the measured window (flows, declarations, reads).</summary>
    public double Operations { get; init; }

    /// <summary>Milliseconds of CPU per operation of each process role in the measured window (<see cref="CpuMeter"/>).</summary>
    public Dictionary<string, double>? CpuMs { get; init; }
}

/// <summary>The conventional peer's side of the benchmark: every scenario on both targets, alternating, in rounds.</summary>
public sealed record PeerFigures(List<PeerPoint> Points, string Driver, int DeclarationSeconds, int FlowSeconds, int ReadSeconds)
{
    public const string Platform = "platform";
    public const string Peer = "peer";

    /// <summary>The mean over the rounds of one role's CPU milliseconds per operation, for one scenario on one target.</summary>
    public double MeanCpu(string scenario, string target, string role) =>
        Points.Where(p => p.Scenario == scenario && p.Target == target && p.CpuMs is not null).Select(p => p.CpuMs!.GetValueOrDefault(role))
            .DefaultIfEmpty(double.NaN).Average();

    /// <summary>The server side's CPU milliseconds per operation: the target's own processes, summed.</summary>
    public double ServerCpu(string scenario, string target) =>
        (target == Platform ? CpuMeter.PlatformRoles : CpuMeter.PeerRoles).Sum(role => MeanCpu(scenario, target, role));

    /// <summary>The mean over the rounds of one scenario on one target.</summary>
    public double Mean(string scenario, string target) =>
        Points.Where(p => p.Scenario == scenario && p.Target == target).Select(p => p.PerSecond).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>
/// The platform beside the conventional peer of ../shared/peers/aspnet-identity (ASP.NET Core Identity + EF Core on its
/// own PostgreSQL cluster), driven by the peer's own closed-loop driver (PeerLoad) with the peer's routes files for
/// both targets, at the same concurrency, alternating target by target within each round (and the order reversed in
/// every other round), so that neither profits from a warmer or quieter machine. Read path: wrk on one account each.
/// </summary>
public static class PeerComparison
{
    public const int DeclarationConcurrency = 64, FlowConcurrency = 32, ReadConnections = 64;

    public static async Task<PeerFigures> RunAsync(Platform platform, string gateway, string peerUrl, string peerHome, string peerCitizens,
        int rounds, int declarationSeconds, int flowSeconds, int readSeconds, string workDir)
    {
        var dir = Path.Combine(workDir, "peer");
        Directory.CreateDirectory(dir);
        var driver = Path.Combine(peerHome, "load", "bin", "Release", "net10.0", "PeerLoad.dll");
        var routes = Path.Combine(peerHome, "load");

        // The platform's citizens: registry citizens no other scenario used, in the CSV the driver reads (used once each).
        var perRound = (declarationSeconds + 3) * 2_000 + (flowSeconds + 5) * 60;
        var citizens = await platform.TakeCitizensAsync(perRound * rounds + 5 * 2_000 + 5 * 60);
        var csv = Path.Combine(dir, "platform-citizens.csv");
        await File.WriteAllLinesAsync(csv, ["idNumber,fullName,dateOfBirth,gender,phone",
            .. citizens.Select(c => $"{c.IdNumber},{c.FullName},{c.DateOfBirth:yyyy-MM-dd},{c.Gender},{c.Phone}")]);
        File.Delete(csv + ".cursor");
        File.Delete(peerCitizens + ".cursor");

        var targets = new (string Name, string Url, string Csv, string Declare, string Flow, string ReadPath, bool Owner)[]
        {
            (PeerFigures.Platform, gateway, csv, Path.Combine(routes, "routes.vneid.declare.json"), Path.Combine(routes, "routes.vneid.json"),
                "/api/v1/accounts/{0}/status", true),
            (PeerFigures.Peer, peerUrl, peerCitizens, Path.Combine(routes, "routes.peer.register.json"), Path.Combine(routes, "routes.peer.json"),
                "/peer/accounts/{0}", false),
        };
        // An unrecorded warm-up of each target first (as the peer's own bench.sh does): the peer has just started, and a cold
        // JIT and EF Core model made its first measured declarations run at half the rate of its second round.
        foreach (var t in targets)
        {
            await DriverAsync(driver, "flow", t.Url, t.Declare, ["--citizens", t.Csv, "-c", "16", "-d", "5", "--warmup", "0"], Path.Combine(dir, $"{t.Name}-warm-up-declarations.json"));
            await DriverAsync(driver, "flow", t.Url, t.Flow, ["--citizens", t.Csv, "-c", "16", "-d", "5", "--warmup", "0"], Path.Combine(dir, $"{t.Name}-warm-up-flow.json"));
        }
        var points = new List<PeerPoint>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? targets : targets.Reverse().ToArray();
            foreach (var t in order)
            {
                var output = Path.Combine(dir, $"{t.Name}-r{round}-declarations.json");
                var cpu = await CpuMeter.AroundAsync(() => DriverAsync(driver, "flow", t.Url, t.Declare,
                    ["--citizens", t.Csv, "-c", $"{DeclarationConcurrency}", "-d", $"{declarationSeconds}", "--warmup", "3"], output), 3);
                points.Add(WithCpu(FromDriver("declarations", round, t.Name, DeclarationConcurrency, output, "register"), cpu));
                Console.WriteLine(Describe(points[^1]));
            }
            foreach (var t in order)
            {
                var output = Path.Combine(dir, $"{t.Name}-r{round}-flow.json");
                var activated = Path.Combine(dir, $"{t.Name}-activated.txt");
                var cpu = await CpuMeter.AroundAsync(() => DriverAsync(driver, "flow", t.Url, t.Flow,
                    ["--citizens", t.Csv, "-c", $"{FlowConcurrency}", "-d", $"{flowSeconds}", "--warmup", "5", "--activated", activated], output), 5);
                points.Add(WithCpu(FromDriver("flow", round, t.Name, FlowConcurrency, output, "flow"), cpu));
                Console.WriteLine(Describe(points[^1]));
            }
            foreach (var t in order)
            {
                var id = File.ReadLines(Path.Combine(dir, $"{t.Name}-activated.txt")).Last(l => l.Length > 0);
                var url = t.Url + string.Format(CultureInfo.InvariantCulture, t.ReadPath, id);
                // The platform's status read is the owner's, with the account's own access token (its session checked with
                // the account grain on every request), logged in afresh each round. The peer's read is anonymous, as built.
                string? header = t.Owner ? $"authorization: Bearer {await OwnerTokenAsync(platform, id)}" : null;
                await Tools.WrkAsync(url, ReadConnections, "5s", null, header); // warm-up
                Tools.WrkResult wrk = null!;
                var cpu = await CpuMeter.AroundAsync(async () => wrk = await Tools.WrkAsync(url, ReadConnections, $"{readSeconds}s", null, header), 0);
                points.Add(WithCpu(new PeerPoint("status", round, t.Name, ReadConnections, wrk.Rps, wrk.P50Ms, wrk.P99Ms, wrk.Errors)
                    { Operations = wrk.Rps * readSeconds }, cpu));
                Console.WriteLine(Describe(points[^1]));
            }
        }
        return new PeerFigures(points, "PeerLoad (../shared/peers/aspnet-identity/load), closed loop; wrk -t2 for the status read",
            declarationSeconds, flowSeconds, readSeconds);
    }

    private static string Describe(PeerPoint p) =>
        $"round {p.Round} {p.Scenario,-12} {p.Target,-8} c={p.Concurrency}: {p.PerSecond:N1}/s, p50 {p.P50Ms:N1} ms, p99 {p.P99Ms:N1} ms, errors {p.Errors}; " +
        $"CPU ms per operation: {string.Join(", ", (p.CpuMs ?? []).Select(c => $"{c.Key} {c.Value:N3}"))}";

    private static PeerPoint WithCpu(PeerPoint point, (Dictionary<string, double> Before, Dictionary<string, double> After) cpu) =>
        point with { CpuMs = CpuMeter.PerOperation(cpu.Before, cpu.After, point.Operations) };

    private static async Task DriverAsync(string driver, string scenario, string url, string routes, string[] args, string json) =>
        await Tools.RunAsync("dotnet", [driver, scenario, "--base", url, "--routes", routes, .. args, "--json", json]);

    /// <summary>Flows (or single-step declarations) per second from the driver's JSON, with the latencies of one step.</summary>
    private static PeerPoint FromDriver(string scenario, int round, string target, int concurrency, string json, string step)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var row = root.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("step").GetString() == step);
        var errors = root.GetProperty("errors").EnumerateObject().Sum(e => e.Value.GetInt64()) + root.GetProperty("failedFlows").GetInt64();
        return new PeerPoint(scenario, round, target, concurrency, Math.Round(root.GetProperty("flowsPerSecond").GetDouble(), 1),
            Math.Round(row.GetProperty("p50").GetDouble(), 2), Math.Round(row.GetProperty("p99").GetDouble(), 2), errors)
        {
            Operations = root.GetProperty("flows").GetDouble(),
        };
    }

    /// <summary>The password the peer's routes files give every account they activate.</summary>
    private const string RoutesPassword = "Vneid@2026";

    private static async Task<string> OwnerTokenAsync(Platform platform, string idNumber)
    {
        using var answer = await platform.Http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password = RoutesPassword });
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
