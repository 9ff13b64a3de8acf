using Microsoft.Extensions.Configuration;
using Npgsql;

using Orleans.VNeID.Platform;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// The one place the platform's PostgreSQL connection string is read. Every host (silo, gateway, tools) connects
/// through it, with the platform's pool settings laid over what is configured:
/// <list type="bullet">
/// <item><c>No Reset On Close</c>: the platform sets no session state, so returning a connection to the pool need not
/// send <c>DISCARD ALL</c> (five extra round trips per declaration, and it threw away prepared statements).</item>
/// <item><c>Max Auto Prepare</c>: the few statements on the hot paths (state read and write, registry look-up, audit and
/// outbox appends) are prepared once per connection instead of parsed and planned on every call.</item>
/// </list>
/// </summary>
public static class PlatformDatabase
{
    private const int MaxAutoPrepare = 64;
    private const int AutoPrepareMinUsages = 2;

    /// <summary>The connection string for the platform's own schemas (registry, outbox, audit).</summary>
    public static string ConnectionString(IConfiguration configuration) => Tuned(configuration, searchPath: null);

    /// <summary>The connection string for Orleans' ADO.NET providers, which read their query catalog unqualified.</summary>
    public static string OrleansConnectionString(IConfiguration configuration) => Tuned(configuration, searchPath: "orleans");

    /// <summary>
    /// The owner role's connection string (<c>ConnectionStrings:VNeIDOwner</c>), for migrations and the registry seed;
    /// the silos and gateways never use it. Without it the application's own is used and the roles are not separated.
    /// </summary>
    public static string OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(PlatformNames.OwnerConnectionStringName) is { Length: > 0 } owner
            ? owner
            : ConnectionString(configuration);

    /// <summary>The role the silos and gateways connect as (the user of <c>ConnectionStrings:VNeID</c>).</summary>
    public static string? ApplicationRole(IConfiguration configuration) =>
        configuration.GetConnectionString(PlatformNames.ConnectionStringName) is { Length: > 0 } app
            ? new NpgsqlConnectionStringBuilder(app).Username
            : null;

    /// <summary>
    /// The storage shards (<c>Shards:ConnectionStrings</c>, the application role's), shard 0 first, tuned as the platform's
    /// and with Orleans' search path: the databases the grain states are spread over. Empty when they are not spread
    /// (every state in <c>ConnectionStrings:VNeID</c>).
    /// </summary>
    public static IReadOnlyList<string> ShardConnectionStrings(IConfiguration configuration) =>
        ConfiguredShards(configuration).Select(shard => Tune(shard, "orleans")).ToArray();

    /// <summary>
    /// The shards as the owner role, for migrations and the re-shard: each shard's host and database with the owner's
    /// user and password (<see cref="OwnerConnectionString"/>), or the shard's own when no owner is configured.
    /// </summary>
    public static IReadOnlyList<string> ShardOwnerConnectionStrings(IConfiguration configuration)
    {
        var owner = configuration.GetConnectionString(PlatformNames.OwnerConnectionStringName) is { Length: > 0 } configured
            ? new NpgsqlConnectionStringBuilder(configured)
            : null;
        return ConfiguredShards(configuration).Select(shard =>
        {
            var builder = new NpgsqlConnectionStringBuilder(shard);
            if (owner is null) return builder.ConnectionString;
            builder.Username = owner.Username;
            builder.Password = owner.Password;
            builder.MaxPoolSize = owner.MaxPoolSize;
            return builder.ConnectionString;
        }).ToArray();
    }

    /// <summary>The shards' connection strings as configured (<c>Shards:ConnectionStrings</c>), shard 0 first.</summary>
    public static IReadOnlyList<string> ConfiguredShards(IConfiguration configuration) =>
        configuration.GetSection(ShardsSection).Get<string[]>()?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray() ?? [];

    /// <summary>The configuration key of the shards' connection strings.</summary>
    public const string ShardsSection = "Shards:ConnectionStrings";

    private static string Tuned(IConfiguration configuration, string? searchPath) =>
        Tune(configuration.GetConnectionString(PlatformNames.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{PlatformNames.ConnectionStringName} is not configured."), searchPath);

    private static string Tune(string configured, string? searchPath)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured)
        {
            NoResetOnClose = true,
            MaxAutoPrepare = MaxAutoPrepare,
            AutoPrepareMinUsages = AutoPrepareMinUsages,
        };
        if (searchPath is not null) builder.SearchPath = searchPath;
        return builder.ConnectionString;
    }
}
