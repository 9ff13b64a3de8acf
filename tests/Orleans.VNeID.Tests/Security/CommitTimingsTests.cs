using Microsoft.Extensions.Time.Testing;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Tests.Security;

public class CommitTimingsTests
{
    private static void Commit(FakeTimeProvider clock, CommitTimings timings, int milliseconds)
    {
        var started = timings.Start();
        clock.Advance(TimeSpan.FromMilliseconds(milliseconds));
        timings.Record(started);
    }

    [Fact]
    public void Before_any_commit_the_wait_is_the_fixed_one()
    {
        var timings = new CommitTimings(new FakeTimeProvider());
        Assert.Equal(CommitTimings.BeforeAnyCommit, timings.NextWait());
    }

    [Fact]
    public void A_wait_is_one_of_the_recent_commits_durations()
    {
        var clock = new FakeTimeProvider();
        var timings = new CommitTimings(clock);
        Commit(clock, timings, 20);
        Commit(clock, timings, 45);
        var waits = Enumerable.Range(0, 200).Select(_ => timings.NextWait().TotalMilliseconds).ToHashSet();
        Assert.Equal([20.0, 45.0], waits.Order());
        Assert.Equal(2, timings.Commits);
    }

    [Fact]
    public void Only_the_latest_16_commits_are_drawn_from_so_the_wait_follows_the_database()
    {
        var clock = new FakeTimeProvider();
        var timings = new CommitTimings(clock);
        for (var i = 0; i < 300; i++) Commit(clock, timings, 100);
        for (var i = 0; i < 16; i++) Commit(clock, timings, 7);
        Assert.All(Enumerable.Range(0, 500), _ => Assert.Equal(TimeSpan.FromMilliseconds(7), timings.NextWait()));
    }

    [Fact]
    public void A_pace_is_counted_and_drawn_from_the_recent_commits()
    {
        var clock = new FakeTimeProvider();
        var timings = new CommitTimings(clock);
        Commit(clock, timings, 30);
        Assert.Equal(TimeSpan.FromMilliseconds(30), timings.Pace());
        Assert.Equal(1, timings.Imitations);
    }

    [Fact]
    public void A_commit_an_attacker_made_slow_cannot_stretch_the_pace_past_the_ceiling()
    {
        var clock = new FakeTimeProvider();
        var timings = new CommitTimings(clock);
        for (var i = 0; i < 8; i++) Commit(clock, timings, 15_000);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(CommitTimings.Ceiling, timings.Pace()));
    }
}
