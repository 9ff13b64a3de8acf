using System.Data.Common;
using System.Net.Sockets;

using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Hosting;

/// <summary>Turns a database failure inside any grain call into <see cref="PlatformUnavailableException"/>.</summary>
public sealed class UnavailableDependencyFilter(OutageLog outages) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (IsDependencyFailure(ex))
        {
            outages.Failed(ex, context.InterfaceMethod?.Name ?? "A grain call");
            // The driver's exception stays in this silo's log; only its kind crosses the wire.
            throw new PlatformUnavailableException($"The platform's database did not answer ({ex.GetType().Name}).");
        }
    }

    internal static bool IsDependencyFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is DbException or SocketException or TimeoutException) return true;
        return false;
    }
}
