namespace Orleans.VNeID.Platform;

/// <summary>Names shared by the grains and the silo set-up.</summary>
public static class PlatformNames
{
    /// <summary>Grain storage for citizen accounts.</summary>
    public const string AccountStorage = "accounts";

    /// <summary>
    /// The grain type of citizen accounts, pinned (it is Orleans' default for the class name) so that the gateway can
    /// build references without a per-call interface look-up, and so that renaming the class cannot orphan stored state.
    /// </summary>
    public const string AccountGrainType = "citizenaccount";

    /// <summary>
    /// DI key of the <see cref="TimeProvider"/> behind every domain clock read (OTP expiry, ages, timestamps).
    /// Orleans has its own; keeping ours apart lets tests move domain time without moving the runtime's.
    /// </summary>
    public const string DomainClock = "vneid-domain-clock";

    /// <summary>The Npgsql connection string name in configuration.</summary>
    public const string ConnectionStringName = "VNeID";

    /// <summary>The owner role's connection string: migrations and the registry seed only.</summary>
    public const string OwnerConnectionStringName = "VNeIDOwner";
}
