using System.Data.Common;
using Orleans.Storage;

using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Grains.Hosting;

/// <summary>
/// Wraps a grain storage so that a database failure (also during activation, before any call filter runs) reaches
/// callers as <see cref="PlatformUnavailableException"/>: the driver's own exceptions cannot cross the wire.
/// </summary>
public sealed class UnavailableAwareStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private static async Task Guard(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (UnavailableDependencyFilter.IsDependencyFailure(ex))
        {
            throw new PlatformUnavailableException($"The platform's database did not answer ({ex.GetType().Name}).");
        }
    }
}
