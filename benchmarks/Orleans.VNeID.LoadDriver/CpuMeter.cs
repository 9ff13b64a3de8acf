using System.Globalization;

namespace Orleans.VNeID.LoadDriver;

/// <summary>
/// CPU time (user + system, from <c>/proc/&lt;pid&gt;/stat</c>) of the processes a run involves, by role: the gateway, the
/// silos, the nodes (a silo with the gateway co-hosted), the platform's PostgreSQL, the peer's service, the peer's PostgreSQL and the load drivers. A PostgreSQL cluster
/// counts its postmaster, its live backends and the backends it has already reaped (the postmaster's cutime and cstime),
/// so connections that close during a run are not lost. Read before and after a scenario: the difference per operation
/// is where the CPU of one operation goes.
/// </summary>
public static class CpuMeter
{
    public const string Gateway = "gateway", Silos = "silos", Nodes = "nodes (silo + gateway)", Postgres = "postgresql", PeerService = "peer service", PeerPostgres = "peer postgresql",
        Drivers = "load drivers";

    /// <summary>The roles of the platform and of the peer, in the order a report shows them.</summary>
    public static readonly string[] PlatformRoles = [Gateway, Silos, Nodes, Postgres], PeerRoles = [PeerService, PeerPostgres];

    // USER_HZ, the unit of /proc's times: 100 on Linux for every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private sealed record Stat(int Pid, int Parent, string Command, string Line, long Own, long Reaped);

    /// <summary>CPU seconds so far of each role's processes.</summary>
    public static Dictionary<string, double> Read()
    {
        var processes = new List<Stat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // The command sits in parentheses and may hold spaces; the fields after it are space-separated.
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var line = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                processes.Add(new Stat(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), stat[(stat.IndexOf('(') + 1)..close], line,
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                    long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while it was read.
            }
        }
        var byPid = processes.ToDictionary(p => p.Pid);
        var ticks = new Dictionary<string, long>();
        void Add(string role, long value) => ticks[role] = ticks.GetValueOrDefault(role) + value;
        foreach (var p in processes)
        {
            if (p.Line.Contains("vneid-gateway", StringComparison.Ordinal)) Add(Gateway, p.Own);
            else if (p.Line.Contains("vneid-silo", StringComparison.Ordinal)) Add(Silos, p.Own);
            else if (p.Line.Contains("vneid-node", StringComparison.Ordinal)) Add(Nodes, p.Own);
            else if (p.Line.Contains("PeerIdentity", StringComparison.Ordinal)) Add(PeerService, p.Own);
            else if (p.Pid == Environment.ProcessId || p.Line.Contains("PeerLoad", StringComparison.Ordinal) || p.Command == "wrk") Add(Drivers, p.Own);
            else if (p.Command == "postgres" && !(byPid.TryGetValue(p.Parent, out var parent) && parent.Command == "postgres"))
            {
                // A postmaster: itself, what it reaped, and its live children.
                var role = p.Line.Contains("peer", StringComparison.OrdinalIgnoreCase) ? PeerPostgres : Postgres;
                Add(role, p.Own + p.Reaped + processes.Where(c => c.Parent == p.Pid).Sum(c => c.Own));
            }
        }
        return ticks.ToDictionary(t => t.Key, t => t.Value / TicksPerSecond);
    }

    /// <summary>Milliseconds of CPU per operation of each role between two readings, and their sum over the server-side roles.</summary>
    public static Dictionary<string, double> PerOperation(Dictionary<string, double> before, Dictionary<string, double> after, double operations)
    {
        var result = new Dictionary<string, double>();
        if (operations <= 0) return result;
        foreach (var (role, seconds) in after)
        {
            // A role whose process ended between the readings (a driver that exited) lost its ticks: not counted.
            var spent = seconds - before.GetValueOrDefault(role);
            if (spent >= 0) result[role] = Math.Round(spent * 1000 / operations, 3);
        }
        return result;
    }

    /// <summary>Runs <paramref name="run"/>, reading the CPU when its warm-up ends and when it returns.</summary>
    public static async Task<(Dictionary<string, double> Before, Dictionary<string, double> After)> AroundAsync(Func<Task> run, int warmUpSeconds)
    {
        var running = run();
        await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(warmUpSeconds)));
        var before = Read();
        await running;
        return (before, Read());
    }
}
