using Orleans.Metadata;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Gateway.Cluster;

/// <summary>
/// References to account grains for the gateway's hot paths. <c>GetGrain&lt;T&gt;(key)</c> resolves the interface type
/// from its attributes by reflection on every call (4 % of the gateway's CPU under a status-read load); here the grain
/// type is pinned and the interface type is resolved once.
/// </summary>
public static class AccountGrains
{
    private static readonly GrainType Type = GrainType.Create(PlatformNames.AccountGrainType);

    // Published through a reference, whose write is atomic. A Nullable<GrainInterfaceType> field is several words:
    // concurrent first callers could read HasValue before the value and get an untyped GrainReference.
    private static ResolvedInterface? _interface;

    public static ICitizenAccountGrain Account(this IClusterClient cluster, string idNumber)
    {
        var resolved = Volatile.Read(ref _interface) ?? Resolve(cluster);
        return (ICitizenAccountGrain)cluster.GetGrain(GrainId.Create(Type, idNumber), resolved.Type);
    }

    private static ResolvedInterface Resolve(IClusterClient cluster)
    {
        var resolved = new ResolvedInterface(cluster.ServiceProvider.GetRequiredService<GrainInterfaceTypeResolver>()
            .GetGrainInterfaceType(typeof(ICitizenAccountGrain)));
        Volatile.Write(ref _interface, resolved);
        return resolved;
    }

    private sealed record ResolvedInterface(GrainInterfaceType Type);
}

/// <summary>Which account an ID number typed by a person or an officer names (a foreigner's old or renewed passport: the person's one account).</summary>
public static class AccountKeys
{
    public static async Task<string> AccountKeyAsync(this IClusterClient cluster, string idNumber) =>
        idNumber.Length > 0 && !char.IsAsciiDigit(idNumber[0]) ? await cluster.GetGrain<IAccountKeysGrain>(0).AccountKeyAsync(idNumber) : idNumber;
}
