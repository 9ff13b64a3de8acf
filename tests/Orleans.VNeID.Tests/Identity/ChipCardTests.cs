using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Tests.Identity;

/// <summary>Rule: a chip card is valid until its holder's next change age (14, 25, 40, 60), two years' grace before each (issue 14).</summary>
public class ChipCardTests
{
    private static readonly DateOnly Born = new(1996, 4, 12);

    [Theory]
    [InlineData("2016-05-10", "2021-04-12")] // issued at 20: changed at 25
    [InlineData("2019-05-10", "2036-04-12")] // issued at 23, within two years of 25: valid until 40
    [InlineData("2022-01-01", "2036-04-12")] // issued at 25
    [InlineData("2034-06-01", "2056-04-12")] // issued at 38: valid until 60
    [InlineData("2008-01-01", "2010-04-12")] // issued at 11: changed at 14
    public void A_card_is_valid_until_the_next_change_age_with_two_years_grace(string issued, string expires) =>
        Assert.Equal(DateOnly.Parse(expires), ChipCard.ExpiresOn(Born, DateOnly.Parse(issued)));

    [Fact]
    public void A_card_issued_after_fifty_eight_is_valid_for_life() =>
        Assert.Null(ChipCard.ExpiresOn(Born, Born.AddYears(58).AddDays(1)));

    [Fact]
    public void The_record_names_what_is_wrong_with_the_card_on_a_day()
    {
        var record = new CitizenRecord("048196012351", "Đỗ Thị Giang", Born, Gender.Female, "048", "048196012351", new DateOnly(2016, 5, 10),
            "0905888999", null, null);
        Assert.Contains("expired on 2021-04-12", record.CardProblemOn(new DateOnly(2026, 12, 2))!.Detail);
        Assert.Equal("thẻ căn cước đã hết hạn từ ngày 12/04/2021", record.CardProblemOn(new DateOnly(2026, 12, 2))!.Plain);
        Assert.Null(record.CardProblemOn(new DateOnly(2021, 4, 11)));
        var renewed = record with { CardIssuedOn = new DateOnly(2026, 12, 1), CardExpiresOn = new DateOnly(2036, 4, 12) };
        Assert.Null(renewed.CardProblemOn(new DateOnly(2026, 12, 2), "048196012351"));
        Assert.Contains("not the valid card", renewed.CardProblemOn(new DateOnly(2026, 12, 2), "012345678901")!.Detail);
        Assert.Contains("reported lost", (renewed with { CardReportedLostOn = new DateOnly(2026, 12, 2) }).CardProblemOn(new DateOnly(2026, 12, 2))!.Detail);
        Assert.Contains("No chip ID card", (record with { CardNumber = null, CardIssuedOn = null }).CardProblemOn(new DateOnly(2026, 12, 2))!.Detail);
    }
}
