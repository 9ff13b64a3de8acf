using Microsoft.Extensions.Configuration;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Hosting;
using Orleans.VNeID.Grains.Offices;
using Orleans.VNeID.Tests.Accounts;

namespace Orleans.VNeID.Tests.Offices;

public class WorkingCalendarTests
{
    /// <summary>The calendar as shipped in config/calendar.json.</summary>
    private static readonly WorkingCalendar Shipped = new(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AccountLifecycleTests.RepositoryRoot(), "config", "calendar.json"))
        .Build().GetSection(CalendarOptions.Section).Get<CalendarOptions>()!);

    private static DateTimeOffset Vn(int y, int m, int d, int h, int min) => new(y, m, d, h, min, 0, TimeSpan.FromHours(7));

    [Fact]
    public void Weekends_and_holidays_are_not_working_days()
    {
        Assert.True(Shipped.IsWorkingDay(new DateOnly(2026, 2, 13)));   // Friday before Tết
        Assert.False(Shipped.IsWorkingDay(new DateOnly(2026, 2, 14)));  // Saturday
        Assert.False(Shipped.IsWorkingDay(new DateOnly(2026, 2, 17)));  // Tết: first day of the lunar year
        Assert.False(Shipped.IsWorkingDay(new DateOnly(2026, 9, 2)));   // National Day
        Assert.True(Shipped.IsWorkingDay(new DateOnly(2026, 2, 23)));   // first working day after Tết
    }

    [Theory]
    [InlineData("2026-02-13", 3, "2026-02-25")] // Friday before Tết 2026 (14-22 Feb), chip card held
    [InlineData("2026-02-13", 7, "2026-03-03")] // the same day, card issued with the account
    [InlineData("2026-11-20", 3, "2026-11-25")] // Friday: across a weekend
    [InlineData("2026-11-21", 3, "2026-11-25")] // Saturday-morning reception counts from the Monday
    [InlineData("2026-04-29", 3, "2026-05-06")] // across 30 April and 1 May
    [InlineData("2025-01-24", 3, "2025-02-05")] // Friday before Tết 2025 (25 Jan - 2 Feb)
    [InlineData("2026-11-23", 0, "2026-11-23")]
    public void Deadlines_count_working_days_after_reception(string received, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), Shipped.AddWorkingDays(DateOnly.Parse(received), days));

    // Rule: a make-up working day (ngày làm bù) is a working day with weekday office hours (issue 14).
    [Fact]
    public void A_make_up_saturday_is_a_working_day_with_weekday_hours()
    {
        var saturday = new DateOnly(2025, 4, 26); // worked for Friday 2 May 2025
        Assert.Equal(DayOfWeek.Saturday, saturday.DayOfWeek);
        Assert.True(Shipped.IsMakeUpWorkingDay(saturday));
        Assert.True(Shipped.IsWorkingDay(saturday));
        Assert.False(Shipped.IsWorkingDay(new DateOnly(2025, 5, 2)));
        Assert.Null(Shipped.WhyClosed(Vn(2025, 4, 26, 15, 0)));                       // an afternoon, as on a weekday
        Assert.NotNull(Shipped.WhyClosed(Vn(2025, 4, 19, 15, 0)));                    // an ordinary Saturday afternoon
        Assert.Equal(new DateOnly(2025, 4, 28), Shipped.AddWorkingDays(new DateOnly(2025, 4, 25), 2)); // Fri → Sat (worked), Mon
    }

    // Rule: past its last configured year the calendar refuses to answer, naming the year (issue 14).
    [Fact]
    public void Past_its_last_year_the_calendar_refuses_and_names_the_missing_year()
    {
        Assert.Equal(2027, Shipped.LastYear);
        var missing = Assert.Throws<CalendarYearMissingException>(() => Shipped.IsWorkingDay(new DateOnly(2028, 3, 1)));
        Assert.Equal(2028, missing.Year);
        Assert.Contains("2028", missing.Message);
        Assert.Throws<CalendarYearMissingException>(() => Shipped.AddWorkingDays(new DateOnly(2027, 12, 28), 7));
        // An office stops receiving dossiers once an appointment could fall in the unknown year, and says why.
        Assert.Contains("no holidays for 2028", Shipped.WhyClosed(Vn(2027, 12, 6, 9, 0))!);
        Assert.Null(Shipped.WhyClosed(Vn(2027, 11, 25, 9, 0)));
        Assert.Equal(29, Shipped.DaysLeft(new DateOnly(2027, 12, 2)));
    }

    [Fact]
    public void Offices_receive_in_business_hours_and_on_saturday_morning_only()
    {
        Assert.True(Shipped.IsOpen(Vn(2026, 11, 23, 8, 0)));    // Monday morning
        Assert.True(Shipped.IsOpen(Vn(2026, 11, 23, 16, 59)));  // Monday afternoon
        Assert.False(Shipped.IsOpen(Vn(2026, 11, 23, 12, 0))); // lunch
        Assert.False(Shipped.IsOpen(Vn(2026, 11, 23, 17, 0))); // closing time
        Assert.False(Shipped.IsOpen(Vn(2026, 11, 23, 6, 0)));
        Assert.True(Shipped.IsOpen(Vn(2026, 11, 21, 9, 0)));   // Saturday morning
        Assert.False(Shipped.IsOpen(Vn(2026, 11, 22, 9, 0)));  // Sunday
        Assert.False(Shipped.IsOpen(Vn(2026, 2, 18, 9, 0)));   // Tết, a Wednesday

        var saturday3pm = Shipped.WhyClosed(Vn(2026, 11, 21, 15, 0))!;
        Assert.Contains("office hours", saturday3pm);
        Assert.Contains("Saturday 07:30-11:30", saturday3pm);
        Assert.Contains("public holiday", Shipped.WhyClosed(Vn(2026, 9, 2, 9, 0))!);
        Assert.Contains("Sunday", Shipped.WhyClosed(Vn(2026, 11, 22, 9, 0))!);
    }

    [Fact]
    public void Opening_hours_are_read_in_vietnamese_time()
    {
        // 01:00 UTC is 08:00 in Hà Nội.
        Assert.True(Shipped.IsOpen(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero)));
        Assert.False(Shipped.IsOpen(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Without_configured_hours_the_defaults_apply()
    {
        var calendar = new WorkingCalendar(new CalendarOptions());
        Assert.True(calendar.IsOpen(Vn(2026, 11, 21, 11, 0)));
        Assert.False(calendar.IsOpen(Vn(2026, 11, 21, 11, 30)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 2, 17)));
    }

    [Fact]
    public void The_shipped_calendar_is_what_hosts_read()
    {
        // Bound as a host binds it: the configuration the hosts load, then the section the grains bind.
        var configuration = new ConfigurationBuilder().AddPlatformConfiguration("Development", []).Build();
        var options = configuration.GetSection(CalendarOptions.Section).Get<CalendarOptions>()!;
        var calendar = new WorkingCalendar(options);
        // Tết 2026 (17 February is the first day of the Lunar New Year) and Reunification Day are holidays.
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 2, 17)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 4, 30)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 2, 25)));
    }
}
