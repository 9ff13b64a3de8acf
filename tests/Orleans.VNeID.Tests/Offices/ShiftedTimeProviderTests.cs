using Microsoft.Extensions.Time.Testing;
using Orleans.VNeID.Grains.Hosting;

namespace Orleans.VNeID.Tests.Offices;

public class ShiftedTimeProviderTests
{
    [Fact]
    public void Shifted_time_starts_at_the_chosen_instant_and_runs_on()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero));
        var shifted = new ShiftedTimeProvider(new DateTimeOffset(2026, 2, 13, 9, 0, 0, TimeSpan.FromHours(7)), real);
        Assert.Equal(new DateTimeOffset(2026, 2, 13, 2, 0, 0, TimeSpan.Zero), shifted.GetUtcNow());
        real.Advance(TimeSpan.FromMinutes(90));
        Assert.Equal(new DateTimeOffset(2026, 2, 13, 3, 30, 0, TimeSpan.Zero), shifted.GetUtcNow());
    }
}
