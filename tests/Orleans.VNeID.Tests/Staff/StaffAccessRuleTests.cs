using Orleans.VNeID.Staff;
using Orleans.VNeID.Grains.Staff;

namespace Orleans.VNeID.Tests.Staff;

public class StaffAccessRuleTests
{
    [Fact]
    public void An_officer_in_the_offices_hours_reads_as_the_desks_work()
    {
        Assert.Equal(StaffAccessVerdict.Allowed, StaffAccessRule.Decide(ActorRole.Officer, officeOpen: true, reason: null));
    }

    [Fact]
    public void After_hours_or_for_an_operator_a_read_needs_a_reason_and_is_then_an_exception()
    {
        Assert.Equal(StaffAccessVerdict.ReasonRequired, StaffAccessRule.Decide(ActorRole.Officer, officeOpen: false, reason: null));
        Assert.Equal(StaffAccessVerdict.ReasonRequired, StaffAccessRule.Decide(ActorRole.Operator, officeOpen: true, reason: " "));
        Assert.Equal(StaffAccessVerdict.Exception, StaffAccessRule.Decide(ActorRole.Officer, officeOpen: false, reason: "court order 12/2026"));
        Assert.Equal(StaffAccessVerdict.Exception, StaffAccessRule.Decide(ActorRole.Operator, officeOpen: true, reason: "incident 4711"));
    }
}
