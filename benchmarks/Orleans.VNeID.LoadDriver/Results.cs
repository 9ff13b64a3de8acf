using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.VNeID.LoadDriver;

/// <summary>Everything one benchmark run measured; each scenario command fills its part and saves the file.</summary>
public sealed class BenchResults
{
    public MachineInfo? Machine { get; set; }
    public List<StatusPoint> StatusRead { get; set; } = [];
    public DeclarationFigures? Declarations { get; set; }
    public List<HashFigures> Hashing { get; set; } = [];
    public LockFigures? LockUnlock { get; set; }
    public Rate? OtpVerification { get; set; }
    public ScaleFigures? Scale { get; set; }
    public TokenFigures? TokenEndpoint { get; set; }

    /// <summary>Declarations again under another configuration (e.g. "streams-off"), to compare with <see cref="Declarations"/>.</summary>
    public Dictionary<string, DeclarationFigures> DeclarationVariants { get; set; } = [];

    public StreamFigures? Stream { get; set; }

    /// <summary>Status reads again under another configuration (e.g. "separate": the gateway in a process of its own).</summary>
    public Dictionary<string, List<StatusPoint>> StatusVariants { get; set; } = [];

    /// <summary>Full OpenID Connect code-flow sign-ins (authorize, password sign-in, remembered consent, token).</summary>
    public SignInFigures? SignIns { get; set; }
    public PasskeyFigures? Passkeys { get; set; }

    /// <summary>The same scenarios on the conventional peer (../shared/peers/aspnet-identity), alternating with the platform.</summary>
    public PeerFigures? Peer { get; set; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static BenchResults Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<BenchResults>(File.ReadAllText(path), Json)! : new BenchResults();

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}

public sealed record MachineInfo(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, DateTimeOffset At);

public sealed record StatusPoint(int Connections, double GatewayRps, double GatewayP50Ms, double GatewayP99Ms, long GatewayErrors,
    double BareRps, double BareP50Ms, double BareP99Ms, int Accounts);

public sealed record DeclarationFigures(Rate Acknowledged, double DurablePerSecond, double SecondsUntilAllQueued, int Concurrency,
    double PgbenchTps, int PayloadBytes, int PgbenchClients, int WarmUp = 0)
{
    /// <summary>Milliseconds of CPU per declaration of each process role, from the first declaration sent to the last one queued.</summary>
    public Dictionary<string, double>? CpuMs { get; init; }
}

public sealed record SignInFigures(Rate SignIns, double RawHashesPerSecond, int Iterations, int Cores, int Concurrency, int Citizens,
    Dictionary<string, double>? CpuMs = null);

public sealed record HashFigures(int Iterations, double RawHashesPerSecond, Rate Activations, Rate Logins, int Concurrency, int WarmUp = 0);

public sealed record LockFigures(Rate Locks, Rate Unlocks);

public sealed record SiloMemory(string Silo, long HeapBefore, long HeapAfter, long WorkingSetBefore, long WorkingSetAfter);

public sealed record ScaleFigures(int Accounts, Rate Declarations, List<SiloMemory> Silos, Dictionary<string, long> PgBytesBefore,
    Dictionary<string, long> PgBytesAfter, long RegistryBytes, long RegistryCitizens)
{
    /// <summary>silo-1's live heap growth by type, per account grain activated on it (the largest first).</summary>
    public List<TypeBytes>? HeapTypes { get; init; }
}
