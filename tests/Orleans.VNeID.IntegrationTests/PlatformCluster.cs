using System.Diagnostics;
using Npgsql;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>A database the test platforms run on: the application role's connection and the owner role's.</summary>
public sealed record TestDatabase(string Connection, string OwnerConnection)
{
    public static TestDatabase Shared => new(PlatformFixture.ConnectionString, PlatformFixture.OwnerConnectionString);

    /// <summary>Another database of the same server, with the same roles (scripts/test.sh creates it).</summary>
    public TestDatabase Named(string name) => new(
        new NpgsqlConnectionStringBuilder(Connection) { Database = name }.ConnectionString,
        new NpgsqlConnectionStringBuilder(OwnerConnection) { Database = name }.ConnectionString);
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
    private readonly TestDatabase _database;

    /// <param name="settings">Extra settings (configuration keys) for every process; rate limits are raised unless given.</param>
    /// <param name="host">
    /// The gateway's host name: <c>localhost</c> where a test needs passkeys (browsers refuse WebAuthn on an IP address),
    /// else the loopback address.
    /// </param>
    /// <param name="database">The database (the shared test database when null).</param>
    /// <param name="raiseRateLimits">False: the rate limits of config/appsettings.json, as a user meets them.</param>
    public PlatformCluster(IReadOnlyDictionary<string, string>? settings = null, string host = "127.0.0.1", TestDatabase? database = null,
        bool raiseRateLimits = true)
    {
        _database = database ?? TestDatabase.Shared;
        _overrides = raiseRateLimits
            ? new Dictionary<string, string>
            {
                ["RateLimits:PerAddressPerMinute"] = "100000",
                ["RateLimits:PerAccountPerMinute"] = "100000",
                // Every test request comes from one address: recoveries with wrong details are the point of some tests.
                ["RateLimits:RecoveryMismatchesPerAddress"] = "100000",
            }
            : [];
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

    /// <summary>The settings every process of this cluster gets, as environment variables.</summary>
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
        ["VNEID_ConnectionStrings__VNeID"] = _database.Connection,
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
    public Task<(int ExitCode, string Output)> RunSiloCommandAsync(params string[] args) =>
        RunToEndAsync("dotnet", [PlatformFixture.Program("Silo", "vneid-silo.dll"), .. args],
            new Dictionary<string, string?> { ["VNEID_ConnectionStrings__VNeIDOwner"] = _database.OwnerConnection }, TimeSpan.FromMinutes(2));

    /// <summary>
    /// Runs <paramref name="program"/> from the repository's root with this cluster's settings, changed by
    /// <paramref name="environment"/> (a null value removes one), to its end: its exit code and what it printed (standard
    /// output and error, interleaved). Past <paramref name="timeout"/> it is killed, with what it started.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunToEndAsync(string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PlatformFixture.RepositoryRoot(),
        };
        foreach (var (key, value) in Environment()) info.Environment[key] = value;
        foreach (var (key, value) in environment)
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.WaitForExit(); // the last lines of output
        lock (output) return (process.ExitCode, output.ToString());
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
    public Task WaitUntilReadyAsync(PlatformFixture db, int silos, TimeSpan? timeout = null) =>
        WaitUntilReadyAsync(db.Database, silos, timeout);

    /// <summary>As above, reading the membership table of <paramref name="database"/>.</summary>
    public async Task WaitUntilReadyAsync(NpgsqlDataSource database, int silos, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var active = await PlatformFixture.ScalarAsync(database, "select count(*) from orleans.membership where deployment_id = $1 and status = 3", _clusterId);
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
