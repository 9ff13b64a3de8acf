using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

[StatelessWorker]
public sealed class SentMessagesGrain(ISentMessageReader reader, IOptions<NotificationOptions> options)
    : Grain, ISentMessagesGrain
{
    public async Task<IReadOnlyList<SentMessage>> ListAsync(string recipient, int limit) =>
        options.Value.AllowReadBack ? await reader.ListAsync(recipient, Math.Clamp(limit, 1, 100)) : [];
}

[StatelessWorker]
public sealed class PlatformHealthGrain(IDatabaseProbe probe,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock) : Grain, IPlatformHealthGrain
{
    public Task<bool> IsDatabaseReachableAsync() => probe.PingAsync();

    public Task<DateOnly> TodayAsync() => Task.FromResult(Identity.VietnamTime.Today(clock));
}
