using System.Collections.Frozen;
using System.Text.Json;

namespace Orleans.VNeID.Identity;

/// <summary>
/// The country codes digits 1-3 of a personal ID number take when the birth was registered at a Vietnamese representation
/// abroad ("mã quốc gia nơi công dân đăng ký khai sinh"). Data, not code: <c>config/birth-registration-countries.json</c>,
/// built into this assembly so every parser (gateway validation, grains, seeder) reads the same table.
/// </summary>
public static class BirthRegistrationCountries
{
    private sealed record Entry(string Iso, string Name);

    private sealed record Table(string Source, bool Provisional, Dictionary<string, Entry> Countries);

    private static readonly Table Data = Load();

    /// <summary>Code → the country's name in Vietnamese.</summary>
    public static readonly FrozenDictionary<string, string> ByCode =
        Data.Countries.ToFrozenDictionary(e => e.Key, e => e.Value.Name, StringComparer.Ordinal);

    /// <summary>Code → the country's ISO 3166-1 alpha-3 code.</summary>
    public static readonly FrozenDictionary<string, string> IsoByCode =
        Data.Countries.ToFrozenDictionary(e => e.Key, e => e.Value.Iso, StringComparer.Ordinal);

    /// <summary>All codes in ascending order.</summary>
    public static readonly IReadOnlyList<string> Codes = ByCode.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>True while the table is the project's own and not the ministry's annex (the README says so).</summary>
    public static bool Provisional => Data.Provisional;

    /// <summary>Where the table comes from, as its file says.</summary>
    public static string Source => Data.Source;

    public static bool IsKnown(ReadOnlySpan<char> code) =>
        code.Length == 3 && ByCode.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(code);

    private static Table Load()
    {
        using var stream = typeof(BirthRegistrationCountries).Assembly.GetManifestResourceStream("birth-registration-countries.json")
                           ?? throw new InvalidOperationException("config/birth-registration-countries.json is not built into the contracts assembly.");
        var table = JsonSerializer.Deserialize<Table>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                    ?? throw new InvalidOperationException("config/birth-registration-countries.json is empty.");
        foreach (var (code, entry) in table.Countries)
        {
            if (code.Length != 3 || !code.All(char.IsAsciiDigit) || Provinces.IsKnown(code) || !Countries.IsKnown(entry.Iso))
                throw new InvalidOperationException($"config/birth-registration-countries.json: '{code}' ({entry.Iso}) is not a 3-digit code apart from the provinces' with a known country.");
        }
        return table;
    }
}
