using Microsoft.Extensions.Time.Testing;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Identity;

public class VietnamTimeTests
{
    [Fact]
    public void The_civil_date_is_the_date_in_Vietnam()
    {
        // 18:30 UTC on 31 December is already 1 January in Hà Nội.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 31, 18, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 1, 1), VietnamTime.Today(clock));
    }

    [Theory]
    [InlineData("2012-05-15", "2026-05-14", 13)]
    [InlineData("2012-05-15", "2026-05-15", 14)]
    [InlineData("2008-02-29", "2022-02-27", 13)]
    [InlineData("2008-02-29", "2022-02-28", 14)]
    [InlineData("1990-01-01", "1990-01-01", 0)]
    public void Age_counts_whole_years(string born, string on, int age) =>
        Assert.Equal(age, VietnamTime.AgeOn(DateOnly.Parse(born), DateOnly.Parse(on)));
}
