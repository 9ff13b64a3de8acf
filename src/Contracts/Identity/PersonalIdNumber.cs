using System.Diagnostics.CodeAnalysis;

namespace Orleans.VNeID.Identity;

/// <summary>
/// A 12-digit personal identification number (Decree 137/2015/ND-CP art. 13): the code of the province, or of the country
/// abroad, where the birth was registered (3), century-and-gender digit (1), last two digits of the birth year (2), random
/// range (6).
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.PersonalIdNumber")]
public readonly record struct PersonalIdNumber
{
    public const int Length = 12;

    private PersonalIdNumber(string value) => Value = value;

    [Id(0)] public string Value { get; }

    /// <summary>Digits 1-3: where the birth was registered (a province, or a country for a birth registered abroad).</summary>
    public string BirthRegistrationCode => Value[..3];

    /// <summary>True when the birth was registered at a Vietnamese representation abroad.</summary>
    public bool RegisteredAbroad => BirthRegistrationCountries.IsKnown(BirthRegistrationCode);

    /// <summary>The province or the country where the birth was registered.</summary>
    public string BirthRegistrationPlace =>
        Provinces.ByCode.TryGetValue(BirthRegistrationCode, out var province) ? province : BirthRegistrationCountries.ByCode[BirthRegistrationCode];

    /// <summary>Even century digits are male, odd female (0/1 for 1900s, 2/3 for 2000s, ... 8/9 for 2300s).</summary>
    public Gender Gender => (Value[3] - '0') % 2 == 0 ? Gender.Male : Gender.Female;

    public int BirthYear => 1900 + (Value[3] - '0') / 2 * 100 + (Value[4] - '0') * 10 + (Value[5] - '0');

    public override string ToString() => Value;

    /// <summary>Builds the number for a citizen; <paramref name="serial"/> is the six-digit random range.</summary>
    public static PersonalIdNumber Create(string provinceCode, int birthYear, Gender gender, int serial)
    {
        if (!IsBirthRegistrationCode(provinceCode)) throw new ArgumentOutOfRangeException(nameof(provinceCode));
        if (birthYear is < 1900 or > 2399) throw new ArgumentOutOfRangeException(nameof(birthYear));
        if (serial is < 0 or > 999_999) throw new ArgumentOutOfRangeException(nameof(serial));
        var centuryDigit = (birthYear - 1900) / 100 * 2 + (int)gender;
        return new PersonalIdNumber($"{provinceCode}{centuryDigit}{birthYear % 100:D2}{serial:D6}");
    }

    public static PersonalIdNumber Parse(string value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Checks length, digits and the province code; the error says which rule failed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out PersonalIdNumber id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(value)) { error = "The personal ID number is required."; return false; }
        if (value.Length != Length) { error = $"A personal ID number has exactly {Length} digits."; return false; }
        foreach (var c in value)
        {
            if (c is < '0' or > '9') { error = "A personal ID number has only the digits 0-9."; return false; }
        }
        if (!IsBirthRegistrationCode(value.AsSpan(0, 3)))
        {
            error = $"'{value[..3]}' is not one of the 63 province codes nor a code of a country where births are registered.";
            return false;
        }
        id = new PersonalIdNumber(value);
        error = null;
        return true;
    }

    private static bool IsBirthRegistrationCode(ReadOnlySpan<char> code) => Provinces.IsKnown(code) || BirthRegistrationCountries.IsKnown(code);

    /// <summary>True when the number's century/gender digit and birth-year digits agree with the declared data.</summary>
    public bool AgreesWith(DateOnly dateOfBirth, Gender gender) => BirthYear == dateOfBirth.Year && Gender == gender;
}
