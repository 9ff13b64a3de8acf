using System.CommandLine;
using Orleans.VNeID.LoadDriver;

// vneid-load: the load driver of scripts/bench.sh. Each subcommand runs one scenario against the running platform and
// records its figures in the results file; "report" turns the file into docs/benchmarks.md and the chart.
var results = new Option<string>("--results") { Description = "The results file (JSON).", DefaultValueFactory = _ => ".local/bench/results.json" };
var gateway = new Option<string>("--gateway") { DefaultValueFactory = _ => "http://127.0.0.1:8080" };
var connection = new Option<string>("--connection")
{
    // The owner role's: the driver keeps its own bookkeeping tables and runs pgbench's, which the application role may not create.
    Description = "The platform database's owner-role connection string.",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VNEID_ConnectionStrings__VNeIDOwner")
                               ?? "Host=127.0.0.1;Port=55432;Database=vneid;Username=vneid_owner;Password=vneid-owner-dev",
};
var count = new Option<int>("--count") { DefaultValueFactory = _ => 1000 };
var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 64 };
var workDir = new Option<string>("--work-dir") { DefaultValueFactory = _ => ".local/bench" };

var root = new RootCommand("Orleans.VNeID load driver (scripts/bench.sh runs it).") { Options = { results, gateway, connection } };
foreach (var option in new Option[] { results, gateway, connection }) option.Recursive = true;

Command Scenario(string name, string description, Func<System.CommandLine.ParseResult, Platform, BenchResults, Task> run, params Option[] options)
{
    var command = new Command(name, description);
    foreach (var option in options) command.Options.Add(option);
    command.SetAction(async parse =>
    {
        var path = parse.GetValue(results)!;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var figures = BenchResults.Load(path);
        using var platform = new Platform(parse.GetValue(gateway)!, parse.GetValue(connection)!, 512);
        await run(parse, platform, figures);
        figures.Save(path);
        return 0;
    });
    root.Subcommands.Add(command);
    return command;
}

Scenario("machine", "Record the machine and start a new results file.", (_, _, r) =>
{
    r.Machine = Scenarios.Machine();
    r.StatusRead.Clear(); r.Hashing.Clear(); r.Declarations = null; r.LockUnlock = null; r.OtpVerification = null; r.Scale = null; r.TokenEndpoint = null;
    r.DeclarationVariants.Clear(); r.Stream = null; r.Peer = null; r.StatusVariants.Clear(); r.SignIns = null; r.Passkeys = null;
    return Task.CompletedTask;
});

var bare = new Option<string>("--bare") { DefaultValueFactory = _ => "http://127.0.0.1:8090" };
var connections = new Option<int[]>("--connections") { DefaultValueFactory = _ => [16, 64, 256], AllowMultipleArgumentsPerToken = true };
var duration = new Option<string>("--duration") { DefaultValueFactory = _ => "10s" };
var accounts = new Option<int>("--accounts") { DefaultValueFactory = _ => 64 };
var variant = new Option<string?>("--variant") { Description = "Record the figures as this variant (e.g. streams-off) instead of the main ones." };
Scenario("status", "Status reads through the gateway and from the bare endpoint with wrk.", async (p, platform, r) =>
{
    var points = await Scenarios.StatusReadAsync(platform, p.GetValue(gateway)!, p.GetValue(bare)!, p.GetValue(connections)!,
        p.GetValue(duration)!, p.GetValue(accounts), p.GetValue(workDir)!);
    if (p.GetValue(variant) is { } name) r.StatusVariants[name] = points;
    else r.StatusRead = points;
}, bare, connections, duration, accounts, workDir, variant);

var seconds = new Option<int>("--pgbench-seconds") { DefaultValueFactory = _ => 10 };
Scenario("declarations", "Level-1 declarations beside a pgbench single-row upsert.", async (p, platform, r) =>
{
    var figures = await Scenarios.DeclarationsAsync(platform, p.GetValue(count), p.GetValue(concurrency), p.GetValue(seconds), p.GetValue(workDir)!);
    if (p.GetValue(variant) is { } name) r.DeclarationVariants[name] = figures;
    else r.Declarations = figures;
}, count, concurrency, seconds, workDir, variant);

var outage = new Option<int>("--outage-seconds") { DefaultValueFactory = _ => 60 };
Scenario("streams", "The account-events stream: latency to a consumer, and the backlog while a consumer's store refuses writes.", async (p, platform, r) =>
    r.Stream = await StreamScenario.RunAsync(platform, p.GetValue(count), p.GetValue(concurrency), p.GetValue(outage)), count, concurrency, outage);

var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 100_000 };
Scenario("hashing", "Activations and logins beside the raw password-hash rate.", async (p, platform, r) =>
{
    var figures = await Scenarios.HashingAsync(platform, p.GetValue(iterations), p.GetValue(count), p.GetValue(concurrency));
    r.Hashing.RemoveAll(h => h.Iterations == figures.Iterations);
    r.Hashing.Add(figures);
}, iterations, count, concurrency);

var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 5 };
Scenario("lock-unlock", "An operator locks and unlocks accounts.", async (p, platform, r) =>
    r.LockUnlock = await Scenarios.LockUnlockAsync(platform, p.GetValue(count), p.GetValue(rounds), p.GetValue(concurrency)), count, rounds, concurrency);

Scenario("otp", "Wrong activation codes, each checked and counted.", async (p, platform, r) =>
    r.OtpVerification = await Scenarios.OtpVerificationAsync(platform, p.GetValue(count), p.GetValue(concurrency)), count, concurrency);

var secretFile = new Option<string>("--client-secret-file") { DefaultValueFactory = _ => ".local/portal/vneid.client-secret" };
var signingKey = new Option<string>("--signing-key") { DefaultValueFactory = _ => ".local/oidc/signing-key.pem" };
var citizens = new Option<int>("--citizens") { DefaultValueFactory = _ => 32 };
Scenario("token", "Authorization codes exchanged at the OpenID Connect token endpoint, beside the raw RS256 signing rate of the same key.",
    async (p, platform, r) => r.TokenEndpoint = await TokenEndpoint.RunAsync(platform, p.GetValue(gateway)!, p.GetValue(secretFile)!,
        p.GetValue(signingKey)!, p.GetValue(count), p.GetValue(concurrency), p.GetValue(citizens)),
    count, concurrency, secretFile, signingKey, citizens);

Scenario("sign-ins", "Full OpenID Connect code-flow sign-ins (authorize, password, remembered consent, token) beside the raw hash rate.",
    async (p, platform, r) => r.SignIns = await TokenEndpoint.SignInsAsync(platform, p.GetValue(gateway)!, p.GetValue(secretFile)!,
        p.GetValue(count), p.GetValue(concurrency), p.GetValue(citizens), p.GetValue(iterations)),
    count, concurrency, secretFile, citizens, iterations);

Scenario("passkeys", "Sign-ins on the API with a passkey beside sign-ins with the password, alternating rounds, the same citizens.",
    async (p, platform, r) => r.Passkeys = await PasskeySignIns.RunAsync(platform, p.GetValue(gateway)!, p.GetValue(count), p.GetValue(concurrency),
        p.GetValue(citizens), p.GetValue(iterations), p.GetValue(rounds)),
    count, concurrency, citizens, iterations, rounds);

var peerUrl = new Option<string>("--peer-url") { DefaultValueFactory = _ => "http://127.0.0.1:5300" };
var peerHome = new Option<string>("--peer-home") { Description = "A writable copy of ../shared/peers/aspnet-identity (its driver built).", Required = true };
var peerCitizens = new Option<string>("--peer-citizens") { Description = "The citizens CSV the peer's run.sh seeded.", Required = true };
var peerRounds = new Option<int>("--peer-rounds") { DefaultValueFactory = _ => 2 };
var declarationSeconds = new Option<int>("--declaration-seconds") { DefaultValueFactory = _ => 10 };
var flowSeconds = new Option<int>("--flow-seconds") { DefaultValueFactory = _ => 20 };
var readSeconds = new Option<int>("--read-seconds") { DefaultValueFactory = _ => 10 };
Scenario("peer", "Declarations, the full flow and status reads on the platform and on the conventional peer, alternating, with the peer's driver.",
    async (p, platform, r) => r.Peer = await PeerComparison.RunAsync(platform, p.GetValue(gateway)!, p.GetValue(peerUrl)!, p.GetValue(peerHome)!,
        p.GetValue(peerCitizens)!, p.GetValue(peerRounds), p.GetValue(declarationSeconds), p.GetValue(flowSeconds), p.GetValue(readSeconds), p.GetValue(workDir)!),
    peerUrl, peerHome, peerCitizens, peerRounds, declarationSeconds, flowSeconds, readSeconds, workDir);

var silos = new Option<string[]>("--silo") { Description = "name=pid of each silo process.", AllowMultipleArgumentsPerToken = true, Required = true };
Scenario("scale", "Many accounts: silo memory and database bytes per account.", async (p, platform, r) =>
{
    r.Scale = await Scenarios.ScaleAsync(platform, p.GetValue(count), p.GetValue(concurrency), SiloList(p));
}, count, concurrency, silos);

// Silo memory now, outside any scenario: e.g. before and after idle accounts are deactivated (ProfileFindings.md).
var typesOut = new Option<string?>("--types-out") { Description = "Also write the first silo's live objects by type (ClrMD) to this JSON file." };
var heap = new Command("heap", "Each silo's managed heap after a full collection, and its working set.") { silos, typesOut };
heap.SetAction(parse =>
{
    var list = SiloList(parse);
    if (parse.GetValue(typesOut) is { } file)
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(
            HeapTypes.Count(list[0].Pid).ToDictionary(t => t.Key, t => new[] { t.Value.Count, t.Value.Bytes })));
    foreach (var (name, pid) in list)
    {
        var (heapBytes, live) = Memory.AfterFullCollection(pid);
        Console.WriteLine($"{name}: heap {heapBytes:N0} B, live objects {live:N0} B, working set {Memory.WorkingSet(pid):N0} B");
    }
    return 0;
});
root.Subcommands.Add(heap);

var writeRate = new Option<double>("--write-rate") { Description = "Declarations per second.", DefaultValueFactory = _ => 50 };
var readRate = new Option<double>("--read-rate") { Description = "Operator status reads per second.", DefaultValueFactory = _ => 200 };
var settle = new Option<int>("--settle-seconds") { Description = "Load kept on after each action.", DefaultValueFactory = _ => 10 };
var document = new Option<string>("--document") { DefaultValueFactory = _ => "docs/operations.md" };
var drill = new Command("drill", "The operations drill: add, remove, restart, kill silos, pause the database and freeze a silo under load.")
    { writeRate, readRate, settle, document };
drill.SetAction(async parse =>
{
    var repo = Path.GetFullPath(".");
    var deadline = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo, "config", "appsettings.json")))
        .RootElement.GetProperty("Messaging").GetProperty("ResponseTimeout").GetString()!;
    using var platform = new Platform(parse.GetValue(gateway)!, parse.GetValue(connection)!, 512);
    var figures = await OperationsDrill.RunAsync(platform, repo, parse.GetValue(writeRate), parse.GetValue(readRate), parse.GetValue(settle), deadline);
    Directory.CreateDirectory(Path.Combine(repo, ".local", "drill"));
    File.WriteAllText(Path.Combine(repo, ".local", "drill", "figures.json"), OperationsDrill.Json(figures));
    OperationsDrill.WriteInto(parse.GetValue(document)!, figures);
    Console.Write(OperationsDrill.Markdown(figures));
    return figures.Phases.Sum(p => p.AcknowledgedLost) == 0 ? 0 : 1;
});
root.Subcommands.Add(drill);

var micro = new Option<string?>("--micro") { Description = "BenchmarkDotNet's GitHub-markdown report to include." };
var output = new Option<string>("--out") { DefaultValueFactory = _ => "docs/benchmarks.md" };
var chart = new Option<string>("--chart") { DefaultValueFactory = _ => "docs/benchmarks.png" };
var elapsed = new Option<string?>("--elapsed") { Description = "How long the whole benchmark command took, to state in the report." };
var report = new Command("report", "Write docs/benchmarks.md and the chart from the results file.") { micro, output, chart, elapsed, workDir };
report.SetAction(async parse =>
{
    var figures = BenchResults.Load(parse.GetValue(results)!);
    await Report.WriteAsync(figures, parse.GetValue(micro), parse.GetValue(output)!, parse.GetValue(chart)!, parse.GetValue(workDir)!, parse.GetValue(elapsed));
    Console.WriteLine($"Wrote {parse.GetValue(output)} and {parse.GetValue(chart)}");
    return 0;
});
root.Subcommands.Add(report);

return await root.Parse(args).InvokeAsync();

List<(string Name, int Pid)> SiloList(ParseResult parse) => parse.GetValue(silos)!.Select(s => s.Split('=', 2))
    .Select(s => (s[0], int.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
