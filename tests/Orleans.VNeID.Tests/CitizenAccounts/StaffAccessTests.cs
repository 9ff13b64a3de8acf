using Orleans.VNeID.Grains.Offices;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>Issue 26: staff reads and changes of a citizen's data, bounded by the office's hours and the staff member's role.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaffAccessTests(ClusterFixture fixture)
{
    private static readonly Actor Officer = new(ActorRole.Officer, "officer-hn-01");

    [Fact]
    public async Task After_hours_an_officer_reads_or_changes_a_citizens_data_only_with_a_stated_reason_audited_as_an_exception()
    {
        var citizen = await fixture.ActiveCitizenAsync("Nhoquan@123");
        var account = fixture.Account(citizen);
        var calendar = new WorkingCalendar(new CalendarOptions());
        while (calendar.IsOpen(fixture.Clock.GetUtcNow())) fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        try
        {
            Assert.Equal("staff_reason_required", (await account.RecordStaffReadAsync(Officer, "CAP-HG", "profile", reason: null)).Error?.Code);
            var paper = new IntegratedDocument(DocumentKind.DriverLicence, "790123456789", "Sở Giao thông vận tải Hà Nội", null, null, Officer.Id, "CAP-HG");
            Assert.Equal("staff_reason_required", (await account.AddDocumentAsync(paper)).Error?.Code);
            // With a reason the rule lets it through (this account is level 1: the wallet itself then refuses).
            Assert.Equal("level2_required", (await account.AddDocumentAsync(paper, "citizen at the desk after closing, by appointment")).Error?.Code);
            Assert.True((await account.RecordStaffReadAsync(Officer, "CAP-HG", "profile", "citizen at the desk after closing, by appointment")).Succeeded);
            var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.StaffRead);
            Assert.Contains(trail, e => e.Kind == AccountEventKind.StaffRead && e.Reason!.Contains("EXCEPTION: citizen at the desk after closing"));
        }
        finally
        {
            fixture.AdvanceToOfficeHours();
        }
        // In the office's hours the same read is the desk's ordinary work.
        Assert.True((await account.RecordStaffReadAsync(Officer, "CAP-HG", "profile", reason: null)).Succeeded);
    }
}
