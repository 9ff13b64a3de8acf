namespace Orleans.VNeID.Hosting;

/// <summary>Names shared by the grains and the silo set-up.</summary>
public static class PlatformNames
{
    /// <summary>Grain storage for citizen accounts.</summary>
    public const string AccountStorage = "accounts";

    /// <summary>The stream provider carrying account events.</summary>
    public const string StreamProvider = "events";

    /// <summary>Stream namespace of account lifecycle events; stream keys are partition numbers.</summary>
    public const string AccountEventsNamespace = "account-events";

    /// <summary>The Npgsql connection string name in configuration.</summary>
    public const string ConnectionStringName = "VNeID";
}
