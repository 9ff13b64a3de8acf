using Orleans.Metadata;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Hosting;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>
/// References to account grains for the gateway's hot paths. <c>GetGrain&lt;T&gt;(key)</c> resolves the interface type
/// from its attributes by reflection on every call (4 % of the gateway's CPU under a status-read load); here the grain
/// type is pinned and the interface type is resolved once.
/// </summary>
public static class AccountGrains
{
    private static readonly GrainType Type = GrainType.Create(PlatformNames.AccountGrainType);
    private static GrainInterfaceType? _interfaceType;

    public static ICitizenAccountGrain Account(this IClusterClient cluster, string idNumber)
    {
        var interfaceType = _interfaceType ??= cluster.ServiceProvider.GetRequiredService<GrainInterfaceTypeResolver>()
            .GetGrainInterfaceType(typeof(ICitizenAccountGrain));
        return (ICitizenAccountGrain)cluster.GetGrain(GrainId.Create(Type, idNumber), interfaceType);
    }
}
