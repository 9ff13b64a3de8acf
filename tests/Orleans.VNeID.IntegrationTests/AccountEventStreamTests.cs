using System.Net;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The account-events stream on the platform's PostgreSQL (issue 12): published in the durable path, consumed once.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountEventStreamTests(PlatformFixture platform)
{
    [Fact]
    public async Task Declarations_reach_the_counting_consumer_once_each_through_the_persistent_stream()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, silos: 2);
        var api = new PlatformApi(cluster.Http);
        var citizens = platform.TakeCitizens(24);
        await Task.WhenAll(citizens.Select(async c => await PlatformApi.ExpectStatusAsync(HttpStatusCode.Accepted, await api.DeclareAsync(c))));

        // Kind 0 is Declared; every acknowledged declaration is counted once, and the queue drains.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long counted;
        while ((counted = await platform.ScalarAsync(
                   "select coalesce(sum(count), 0) from events.kind_counts where service_id = $1 and kind = 0", cluster.ClusterId)) < citizens.Count
               && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(citizens.Count, counted);
        while (await platform.ScalarAsync("select count(*) from orleans.stream_messages where service_id = $1", cluster.ClusterId) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_messages where service_id = $1", cluster.ClusterId));
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.stream_dead_letters where service_id = $1", cluster.ClusterId));
        // Nothing counted twice once the queue is empty.
        Assert.Equal(citizens.Count, await platform.ScalarAsync(
            "select coalesce(sum(count), 0) from events.kind_counts where service_id = $1 and kind = 0", cluster.ClusterId));
    }
}
