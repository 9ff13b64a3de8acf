using Orleans.VNeID.Staff;
using Orleans.VNeID.Grains.Staff;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Staff;

/// <summary>Issue 26: staff sign-in that strangers cannot block, and whose second factor works once per code.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaffAccessGrainTests(ClusterFixture fixture)
{
    private IStaffAccessGrain Staff => fixture.Client.GetGrain<IStaffAccessGrain>(0);

    [Fact]
    public async Task A_second_factor_code_signs_in_once_a_replay_of_its_time_step_is_refused_and_audited()
    {
        var client = "officer-replay-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, 1_000, "198.51.100.1"))).Succeeded);
        Assert.False((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, 1_000, "198.51.100.1"))).Succeeded);
        Assert.False((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, 999, "198.51.100.1"))).Succeeded);
        Assert.True((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, 1_001, "198.51.100.1"))).Succeeded);
        // The secret alone is no sign-in.
        Assert.False((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, null, "198.51.100.1"))).Succeeded);
        var trail = await fixture.Audit.WaitForAsync(StaffAccessGrain.ChainId(client), AccountEventKind.StaffLoginFailed);
        Assert.Contains(trail, e => e.Reason!.Contains("already used"));
    }

    [Fact]
    public async Task Failures_lock_out_the_address_they_came_from_and_never_the_officers_own()
    {
        var client = "officer-lock-" + Guid.NewGuid().ToString("N")[..8];
        StaffLoginVerdict last = new(false, null);
        for (var i = 0; i < 5; i++) last = await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, false, null, "203.0.113.5"));
        Assert.NotNull(last.LockedFor);
        Assert.NotNull(await Staff.LockedForAsync(client, "203.0.113.5"));
        Assert.Null(await Staff.LockedForAsync(client, "198.51.100.2"));
        Assert.True((await Staff.RecordLoginAsync(new StaffLoginAttempt(client, true, true, 5_000, "198.51.100.2"))).Succeeded);
        // An unknown client id is counted the same way, in memory.
        for (var i = 0; i < 5; i++) await Staff.RecordLoginAsync(new StaffLoginAttempt("nobody-" + client, false, false, null, "203.0.113.5"));
        Assert.NotNull(await Staff.LockedForAsync("nobody-" + client, "203.0.113.5"));
        Assert.Null(await Staff.LockedForAsync("nobody-" + client, "198.51.100.2"));
    }
}
