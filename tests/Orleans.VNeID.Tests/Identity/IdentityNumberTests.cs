using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Identity;

/// <summary>Issue 14: foreigners' passport keys, and ID numbers of births registered abroad.</summary>
public class IdentityNumberTests
{
    [Theory]
    [InlineData("001090012345", "Hà Nội", false)]
    [InlineData("079201012345", "Hồ Chí Minh", false)]
    [InlineData("101095012345", "Hoa Kỳ", true)]
    [InlineData("108304012345", "Đức", true)]
    public void Rule_digits_1_to_3_are_the_province_or_the_country_where_the_birth_was_registered(string text, string place, bool abroad)
    {
        Assert.True(PersonalIdNumber.TryParse(text, out var id, out var error), error);
        Assert.Equal(place, id.BirthRegistrationPlace);
        Assert.Equal(abroad, id.RegisteredAbroad);
        Assert.True(IdentityNumber.TryParse(text, out var identity, out _));
        Assert.Equal(IdentityKind.Citizen, identity.Kind);
        Assert.Equal(id, identity.Citizen);
    }

    [Fact]
    public void The_birth_registration_countries_are_data_from_config_apart_from_the_province_codes_and_say_they_are_provisional()
    {
        Assert.NotEmpty(BirthRegistrationCountries.Codes);
        Assert.All(BirthRegistrationCountries.Codes, code =>
        {
            Assert.False(Provinces.IsKnown(code));
            Assert.True(Countries.IsKnown(BirthRegistrationCountries.IsoByCode[code]));
            // A number built with a country code parses back to the same country.
            var id = PersonalIdNumber.Create(code, 1995, Gender.Female, 42);
            Assert.Equal(BirthRegistrationCountries.ByCode[code], id.BirthRegistrationPlace);
        });
        // The table is the project's own until the ministry's annex replaces it; the file and the README say so.
        Assert.True(BirthRegistrationCountries.Provisional);
        Assert.Contains("PROVISIONAL", BirthRegistrationCountries.Source, StringComparison.Ordinal);
        Assert.False(PersonalIdNumber.TryParse("199090012345", out _, out var error));
        Assert.Contains("country", error);
    }

    [Theory]
    [InlineData("FRA-18AB12345", "FRA", "18AB12345")]
    [InlineData("USA-A12345678", "USA", "A12345678")]
    [InlineData("KOR-M123456", "KOR", "M123456")]
    [InlineData("XXA-T0012345", "XXA", "T0012345")]
    public void Rule_a_foreigner_is_named_by_the_passports_issuing_country_and_number(string text, string country, string number)
    {
        Assert.True(IdentityNumber.TryParse(text, out var id, out var error), error);
        Assert.Equal(IdentityKind.Foreigner, id.Kind);
        Assert.Equal(country, id.IssuingCountry);
        Assert.Equal(number, id.DocumentNumber);
        Assert.Equal(id, IdentityNumber.Foreigner(country, number));
        Assert.Throws<InvalidOperationException>(() => id.Citizen);
        Assert.False(PersonalIdNumber.TryParse(text, out _, out _));
    }

    [Theory]
    [InlineData("fra-18AB12345", "capitals")]
    [InlineData("FRA-18ab12345", "capital letters")]
    [InlineData("ZZZ-18AB12345", "ISO 3166-1")]
    [InlineData("FRA18AB12345", "hyphen")]
    [InlineData("FRA-", "ISO 3166-1")]
    [InlineData("FRA-18AB-12345", "capital letters")]
    [InlineData("FRA-1234567890123456", "at most 15")]
    [InlineData("FRA-18AB 2345", "capital letters")]
    public void Rule_only_the_canonical_passport_key_parses_so_one_person_never_has_two_accounts(string text, string reason)
    {
        Assert.False(IdentityNumber.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rule_the_two_key_spaces_never_meet()
    {
        // A citizen's key is twelve digits; a foreigner's starts with three letters: no string is both.
        Assert.All(Provinces.Codes.Concat(BirthRegistrationCountries.Codes), code =>
            Assert.Equal(IdentityKind.Citizen, IdentityNumber.Parse($"{code}090012345").Kind));
        Assert.Equal(259, Countries.Count);
        Assert.True(Countries.IsKnown("VNM"));
        Assert.False(Countries.IsKnown("123"));
    }
}
