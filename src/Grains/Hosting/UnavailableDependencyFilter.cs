using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Grains.Hosting;

/// <summary>Turns a database failure inside any grain call into <see cref="PlatformUnavailableException"/>.</summary>
public sealed class UnavailableDependencyFilter(ILogger<UnavailableDependencyFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (IsDependencyFailure(ex))
        {
            // One line per outage window, not one per call: the hosts' log throttle (OutageLogThrottle) counts the rest.
            logger.LogWarning(ex, "{Method} failed because a dependency did not answer", context.InterfaceMethod?.Name);
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
