using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Identity;

public class PersonalIdNumberTests
{
    public static TheoryData<string> ProvinceCodes() => [.. Provinces.Codes];

    [Fact]
    public void There_are_63_province_codes_each_with_a_name()
    {
        Assert.Equal(63, Provinces.Codes.Count);
        Assert.All(Provinces.Codes, code => Assert.False(string.IsNullOrWhiteSpace(Provinces.ByCode[code])));
        Assert.Equal("Hà Nội", Provinces.ByCode["001"]);
        Assert.Equal("Hồ Chí Minh", Provinces.ByCode["079"]);
        Assert.Equal("Cà Mau", Provinces.ByCode["096"]);
    }

    [Theory]
    [MemberData(nameof(ProvinceCodes))]
    public void Every_province_code_parses_for_both_genders_in_every_century(string province)
    {
        foreach (var (year, maleDigit) in new[] { (1950, 0), (2005, 2), (2150, 4), (2250, 6), (2350, 8) })
        {
            foreach (var gender in new[] { Gender.Male, Gender.Female })
            {
                var digit = maleDigit + (int)gender;
                var text = $"{province}{digit}{year % 100:D2}123456";
                Assert.True(PersonalIdNumber.TryParse(text, out var id, out var error), error);
                Assert.Equal(province, id.BirthRegistrationCode);
                Assert.Equal(gender, id.Gender);
                Assert.Equal(year, id.BirthYear);
                Assert.True(id.AgreesWith(new DateOnly(year, 6, 1), gender));
                Assert.False(id.AgreesWith(new DateOnly(year, 6, 1), gender == Gender.Male ? Gender.Female : Gender.Male));
                Assert.Equal(text, PersonalIdNumber.Create(province, year, gender, 123456).Value);
            }
        }
    }

    [Theory]
    [InlineData("001099000001", 1999, Gender.Male)]
    [InlineData("001199000001", 1999, Gender.Female)]
    [InlineData("001200000001", 2000, Gender.Male)]
    [InlineData("001300000001", 2000, Gender.Female)]
    [InlineData("001000000001", 1900, Gender.Male)]
    [InlineData("001999000001", 2399, Gender.Female)]
    public void Century_boundaries_resolve_to_the_right_year(string text, int year, Gender gender)
    {
        var id = PersonalIdNumber.Parse(text);
        Assert.Equal(year, id.BirthYear);
        Assert.Equal(gender, id.Gender);
    }

    [Fact]
    public void A_1999_number_does_not_agree_with_a_2000_birth_and_vice_versa()
    {
        Assert.False(PersonalIdNumber.Parse("001099000001").AgreesWith(new DateOnly(2000, 1, 1), Gender.Male));
        Assert.False(PersonalIdNumber.Parse("001200000001").AgreesWith(new DateOnly(1999, 12, 31), Gender.Male));
        Assert.True(PersonalIdNumber.Parse("001200000001").AgreesWith(new DateOnly(2000, 1, 1), Gender.Male));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("00109001234", "12 digits")]
    [InlineData("0010900123456", "12 digits")]
    [InlineData("00109001234a", "digits 0-9")]
    [InlineData("001 90012345", "digits 0-9")]
    [InlineData("００１０９００１２３４５", "digits 0-9")]
    [InlineData("-01090012345", "digits 0-9")]
    [InlineData("003090012345", "province")]
    [InlineData("000090012345", "province")]
    [InlineData("097090012345", "province")]
    [InlineData("999090012345", "province")]
    public void Malformed_numbers_are_refused_with_the_reason(string? text, string reason)
    {
        Assert.False(PersonalIdNumber.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<FormatException>(() => PersonalIdNumber.Parse(text!));
    }

    [Fact]
    public void Create_refuses_what_cannot_be_a_number()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalIdNumber.Create("003", 1990, Gender.Male, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalIdNumber.Create("001", 1899, Gender.Male, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalIdNumber.Create("001", 1990, Gender.Male, 1_000_000));
    }
}
