using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Orleans.VNeID.Grains.Registry;
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

    public Task<long> ScalarAsync(string sql, params object[] parameters) => ScalarAsync(Database, sql, parameters);

    public static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
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
