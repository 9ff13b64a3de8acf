using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Silo.StandIns;
using Orleans.VNeID.Silo.Schema;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// A real PostgreSQL (from <c>VNEID_TEST_CONNECTION</c>, which scripts/test.sh sets), migrated and seeded once.
/// Each test starts its own cluster of real silo and gateway processes with a cluster id of its own.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const int PopulationSize = 3_000;

    /// <summary>The application role's connection (what silos and gateways use).</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("VNEID_TEST_CONNECTION")
        ?? throw new InvalidOperationException("VNEID_TEST_CONNECTION is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");

    /// <summary>The owner role's connection (migrations, the seed, and the tests' own look and tamper).</summary>
    public static string OwnerConnectionString =>
        Environment.GetEnvironmentVariable("VNEID_TEST_OWNER_CONNECTION")
        ?? throw new InvalidOperationException("VNEID_TEST_OWNER_CONNECTION is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");

    public static string ApplicationRole => new NpgsqlConnectionStringBuilder(ConnectionString).Username!;

    /// <summary>As the owner role.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>As the application role.</summary>
    public NpgsqlDataSource ApplicationDatabase { get; private set; } = null!;

    /// <summary>Adults of the seeded population, handed out so that no two tests share a citizen.</summary>
    private readonly Queue<CitizenRecord> _adults = new();

    public async Task InitializeAsync()
    {
        Database = NpgsqlDataSource.Create(OwnerConnectionString);
        ApplicationDatabase = NpgsqlDataSource.Create(ConnectionString);
        await SchemaMigrator.ApplyAsync(OwnerConnectionString, TextWriter.Null, appRole: ApplicationRole);
        var population = new PopulationGenerator(2026).Generate(PopulationSize).ToArray();
        await StandInSeeder.WriteAsync(Database, population, replace: true, _ => { });
        await using (var truncate = Database.CreateCommand("truncate notifications.outbox")) await truncate.ExecuteNonQueryAsync();
        foreach (var c in population.Skip(PopulationGenerator.DemoCitizens.Count))
            if (c.Phone is not null) _adults.Enqueue(c);
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        await ApplicationDatabase.DisposeAsync();
    }

    public IReadOnlyList<CitizenRecord> TakeCitizens(int count)
    {
        lock (_adults) return Enumerable.Range(0, count).Select(_ => _adults.Dequeue()).ToArray();
    }

    /// <summary>
    /// A citizen whose chip card is valid on <paramref name="day"/> (the cluster's day): level 2 at a desk that day, with no
    /// card application. Which adults come first depends on the order the tests ran in, so no test assumes their cards.
    /// </summary>
    public CitizenRecord TakeCardHolder(DateOnly day)
    {
        lock (_adults)
            while (true)
                if (_adults.Dequeue() is { CardIssuedOn: not null } citizen && citizen.CardProblemOn(day) is null) return citizen;
    }

    /// <summary>Runs a statement as the database's owner (the registers' stand-ins change as their agencies would change them).</summary>
    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 200 ms; a timeout after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, int seconds = 45)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The condition did not hold within {seconds} s.");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// A port for a process this run starts, taken below the kernel's ephemeral range (32768–60999 by default): the kernel
    /// never lends one of those to an outgoing connection (PostgreSQL's, HTTP's, Orleans'), so a port handed out here is
    /// still free when its process binds it moments later. Each is handed out once per run, from a random start.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 2_000; attempt++)
        {
            var port = PortBase + (int)((uint)Interlocked.Increment(ref _nextPort) % PortSpan);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else on the machine: the next one.
            }
        }
        throw new InvalidOperationException($"No free port between {PortBase} and {PortBase + PortSpan}.");
    }

    private static readonly int PortSpan = 10_000;
    private static readonly int PortBase = EphemeralLow() - PortSpan - 500;
    private static int _nextPort = Random.Shared.Next(PortSpan);

    private static int EphemeralLow()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 32_768;
        }
    }

    /// <summary>The built program next to this test assembly's configuration (Debug or Release).</summary>
    public static string Program(string project, string assembly, string folder = "src")
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), folder, project, "bin", configuration, testBin.Name, assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first.", path);
    }

    /// <summary>A setting of config/appsettings.json by its path (<c>Messaging:ResponseTimeout</c>).</summary>
    public static string Setting(string key)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "appsettings.json")));
        foreach (var part in key.Split(':')) node = node?[part];
        return node?.GetValue<string>() ?? throw new KeyNotFoundException(key);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.VNeID.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Orleans.VNeID.sln not found.");
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>One cluster: silo processes and a gateway process, as scripts/up.sh starts them, on ports of its own.</summary>
public sealed class PlatformCluster : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _processes = [];
    private readonly string _clusterId = "it-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _logDir;

    private readonly Dictionary<string, string> _overrides;

    /// <param name="settings">Extra settings (configuration keys) for every process; rate limits are raised unless given.</param>
    /// <param name="host">
    /// The gateway's host name: <c>localhost</c> where a test needs passkeys (browsers refuse WebAuthn on an IP address),
    /// else the loopback address.
    /// </param>
    public PlatformCluster(IReadOnlyDictionary<string, string>? settings = null, string host = "127.0.0.1")
    {
        _overrides = new Dictionary<string, string>
        {
            ["RateLimits:PerAddressPerMinute"] = "100000",
            ["RateLimits:PerAccountPerMinute"] = "100000",
            // Every test request comes from one address: recoveries with wrong details are the point of some tests.
            ["RateLimits:RecoveryMismatchesPerAddress"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) _overrides[key] = value;
        _logDir = Path.Combine(PlatformFixture.RepositoryRoot(), ".local", "test-logs", _clusterId);
        Directory.CreateDirectory(_logDir);
        GatewayUrl = $"http://{host}:{PlatformFixture.FreePort()}";
        Http = new HttpClient { BaseAddress = new Uri(GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A cluster of <paramref name="silos"/> silos and a gateway, ready to serve.</summary>
    public static async Task<PlatformCluster> StartAsync(PlatformFixture db, int silos = 1, IReadOnlyDictionary<string, string>? settings = null,
        string host = "127.0.0.1")
    {
        var cluster = new PlatformCluster(settings, host);
        try
        {
            for (var i = 1; i <= silos; i++) cluster.StartSilo($"silo-{i}");
            cluster.StartGateway();
            await cluster.WaitUntilReadyAsync(db, silos);
            return cluster;
        }
        catch
        {
            // A cluster that never became ready is stopped here: the test that asked for it holds nothing to dispose.
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string ClusterId => _clusterId;

    /// <summary>The console output of a process this cluster started (silo-1, gateway, ...).</summary>
    public string LogPath(string name) => Path.Combine(_logDir, name + ".log");
    public string GatewayUrl { get; }
    public HttpClient Http { get; }

    private Dictionary<string, string> Environment()
    {
        var env = BaseEnvironment();
        foreach (var (key, value) in _overrides) env["VNEID_" + key.Replace(":", "__")] = value;
        return env;
    }

    private Dictionary<string, string> BaseEnvironment() => new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["VNEID_CONFIG_DIR"] = Path.Combine(PlatformFixture.RepositoryRoot(), "config"),
        ["VNEID_ConnectionStrings__VNeID"] = PlatformFixture.ConnectionString,
        ["VNEID_Cluster__ClusterId"] = _clusterId,
        ["VNEID_Cluster__ServiceId"] = _clusterId,
        // Quick failure detection, so a killed silo is declared dead in seconds rather than half a minute.
        ["VNEID_Membership__ProbeTimeout"] = "00:00:02",
        ["VNEID_Membership__NumMissedProbesLimit"] = "2",
        ["VNEID_Membership__NumVotesForDeathDeclaration"] = "1",
        // The membership table read every 5 s (60 s by default): a silo woken after being declared dead learns it quickly.
        ["VNEID_Membership__TableRefreshTimeout"] = "00:00:05",
        ["VNEID_Logging__LogLevel__Default"] = "Warning",
    };

    public Process StartSilo(string name)
    {
        var env = Environment();
        env["VNEID_Silo__SiloPort"] = PlatformFixture.FreePort().ToString();
        env["VNEID_Silo__GatewayPort"] = PlatformFixture.FreePort().ToString();
        return Start(name, PlatformFixture.Program("Silo", "vneid-silo.dll"), env);
    }

    /// <summary>
    /// A node (<c>vneid-node</c>: a silo with the gateway co-hosted, the default topology of scripts/up.sh) serving HTTP on
    /// <paramref name="url"/> (the cluster's <see cref="GatewayUrl"/> when null).
    /// </summary>
    public Process StartNode(string name, string? url = null)
    {
        var env = Environment();
        env["VNEID_Silo__SiloPort"] = PlatformFixture.FreePort().ToString();
        env["VNEID_Silo__GatewayPort"] = PlatformFixture.FreePort().ToString();
        env["VNEID_Gateway__Urls"] = url ?? GatewayUrl;
        env["VNEID_Oidc__Issuer"] = GatewayUrl;
        return Start(name, PlatformFixture.Program("Node", "vneid-node.dll"), env);
    }

    /// <summary>Runs a silo command (migrate, reshard, ...) with this cluster's settings and the owner's connection; its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunSiloCommandAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [PlatformFixture.Program("Silo", "vneid-silo.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PlatformFixture.RepositoryRoot(),
        };
        foreach (var (key, value) in Environment()) info.Environment[key] = value;
        info.Environment["VNEID_ConnectionStrings__VNeIDOwner"] = PlatformFixture.OwnerConnectionString;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }

    public Process StartGateway()
    {
        var env = Environment();
        env["VNEID_Gateway__Urls"] = GatewayUrl;
        // The issuer is the address the tests use (the default would name 127.0.0.1 localhost).
        env["VNEID_Oidc__Issuer"] = GatewayUrl;
        return Start("gateway", PlatformFixture.Program("Gateway", "vneid-gateway.dll"), env);
    }

    /// <summary>
    /// Another gateway of the same cluster on <paramref name="url"/>, as a second replica behind the same public address
    /// (the same issuer), with a home folder of its own (nothing shared through the machine's files but the checkout).
    /// </summary>
    public Process StartReplicaGateway(string name, string url, string home)
    {
        var env = Environment();
        env["VNEID_Gateway__Urls"] = url;
        env["VNEID_Oidc__Issuer"] = GatewayUrl;
        env["VNEID_Gateway__ManagementPort"] = PlatformFixture.FreePort().ToString();
        env["HOME"] = home;
        return Start(name, PlatformFixture.Program("Gateway", "vneid-gateway.dll"), env);
    }

    /// <summary>
    /// The sample portal (samples/PublicServicePortal) as this cluster's relying party <paramref name="clientId"/>, on
    /// <paramref name="url"/>; stopped with the cluster.
    /// </summary>
    /// <summary>The sample portal with a client secret, or with <paramref name="settings"/> instead (e.g. the FAPI 2.0 profile and its key).</summary>
    public Process StartPortal(string url, string clientId, string? secret, IReadOnlyDictionary<string, string>? settings = null)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = url,
            ["Portal__Authority"] = GatewayUrl + "/",
            ["Portal__ClientId"] = clientId,
        };
        if (secret is not null) env["Portal__ClientSecret"] = secret;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        return StartSample("portal", "PublicServicePortal", "vneid-portal.dll", env);
    }

    /// <summary>A sample of samples/<paramref name="project"/> with its own settings; stopped with the cluster.</summary>
    public Process StartSample(string name, string project, string assembly, Dictionary<string, string> env) =>
        Start(name, PlatformFixture.Program(project, assembly, "samples"), env);

    private Process Start(string name, string program, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("dotnet", [program])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PlatformFixture.RepositoryRoot(),
        };
        foreach (var (key, value) in env) info.Environment[key] = value;
        var process = Process.Start(info)!;
        var log = new StreamWriter(Path.Combine(_logDir, name + ".log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process));
        return process;
    }

    /// <summary>The running process this cluster started under <paramref name="name"/> (silo-1, gateway, portal).</summary>
    public Process Named(string name) => _processes.First(p => p.Name == name).Process;

    /// <summary>Ends a process on purpose: SIGTERM for a graceful stop, SIGKILL otherwise.</summary>
    public async Task StopAsync(Process process, bool graceful)
    {
        _processes.RemoveAll(p => p.Process == process);
        if (graceful)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString()])!;
            await term.WaitForExitAsync();
        }
        else
        {
            process.Kill();
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
    }

    /// <summary>Waits until the gateway answers healthy and <paramref name="silos"/> silos are active in the membership table.</summary>
    public async Task WaitUntilReadyAsync(PlatformFixture db, int silos, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var active = await db.ScalarAsync("select count(*) from orleans.membership where deployment_id = $1 and status = 3", _clusterId);
            var healthy = false;
            try { healthy = (await Http.GetAsync("/health/ready")).IsSuccessStatusCode; } catch (HttpRequestException) { }
            if (healthy && active == silos) return;
            foreach (var (name, process) in _processes)
                if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}; see {_logDir}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Cluster not ready (healthy={healthy}, active silos={active}); see {_logDir}");
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _processes)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        Http.Dispose();
    }
}
