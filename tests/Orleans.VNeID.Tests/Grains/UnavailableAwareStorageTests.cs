using Orleans.Storage;
using Orleans.VNeID.Grains.Hosting;

namespace Orleans.VNeID.Tests.Grains;

public class UnavailableAwareStorageTests
{
    private sealed class DownException() : System.Data.Common.DbException("the database is gone");

    private sealed class BrokenStorage(Exception failure) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);
        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);
        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);
    }

    private static readonly GrainId Id = GrainId.Create("citizenaccount", "001090012345");

    [Fact]
    public async Task Database_failures_become_platform_unavailable_on_every_operation()
    {
        var storage = new UnavailableAwareStorage(new BrokenStorage(new InvalidOperationException("wrapped", new DownException())));
        var state = new GrainState<object>(new object());
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => storage.ReadStateAsync("account", Id, state));
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => storage.WriteStateAsync("account", Id, state));
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => storage.ClearStateAsync("account", Id, state));
    }

    [Fact]
    public async Task Other_failures_pass_through_unchanged()
    {
        var conflict = new InconsistentStateException("etag mismatch");
        var storage = new UnavailableAwareStorage(new BrokenStorage(conflict));
        Assert.Same(conflict, await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("account", Id, new GrainState<object>(new object()))));
    }
}
