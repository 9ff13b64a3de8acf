using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Identity;

public class DossierCodeTests
{
    [Fact]
    public void A_code_groups_date_office_serial_and_check_digit()
    {
        var code = DossierCode.Create(new DateOnly(2026, 2, 13), 42, 123);
        Assert.Matches("^260213-0042-00123-[0-9]$", code.Value);
        Assert.True(DossierCode.TryParse(code.Value, out var parsed));
        Assert.Equal(code, parsed);
        Assert.True(DossierCode.TryParse(code.Value.Replace("-", ""), out parsed));
        Assert.Equal(code, parsed);
    }

    [Fact]
    public void Every_single_mistyped_digit_is_caught()
    {
        var digits = DossierCode.Create(new DateOnly(2026, 11, 23), 7, 98765).Value.Replace("-", "");
        for (var position = 0; position < digits.Length; position++)
        {
            for (var replacement = '0'; replacement <= '9'; replacement++)
            {
                if (replacement == digits[position]) continue;
                var typo = digits[..position] + replacement + digits[(position + 1)..];
                Assert.False(DossierCode.TryParse(typo, out _), typo);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("260213-0042-00123")]
    [InlineData("260213-0042-00123-55")]
    [InlineData("26021a-0042-00123-5")]
    public void Malformed_codes_are_refused(string? text) => Assert.False(DossierCode.TryParse(text, out _));

    [Fact]
    public void The_luhn_digit_matches_the_textbook_example() => Assert.Equal(3, DossierCode.LuhnCheckDigit("7992739871"));
}
