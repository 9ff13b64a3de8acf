using System.Diagnostics.CodeAnalysis;

namespace Orleans.VNeID.Identity;

/// <summary>Who an account belongs to: a Vietnamese citizen (personal ID number) or a foreigner (passport or travel document).</summary>
public enum IdentityKind
{
    Citizen = 0,
    Foreigner = 1,
}

/// <summary>
/// The name an account is known by (Decision 34 art. 6 §4 a: "số định danh cá nhân; số hộ chiếu hoặc giấy tờ có giá trị đi
/// lại quốc tế đối với người nước ngoài"), and its grain key. A citizen's is the 12-digit personal ID number; a foreigner's
/// is the issuing country's ISO 3166-1 alpha-3 code, a hyphen and the document number, in capitals (<c>FRA-18AB12345</c>).
/// The two key spaces cannot meet: the one is twelve digits, the other starts with three letters. Only the canonical
/// spelling parses, so one person never has two keys.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.IdentityNumber")]
public readonly record struct IdentityNumber
{
    /// <summary>The longest document number taken (ICAO 9303's field holds 9; longer ones continue in the optional data).</summary>
    public const int MaxDocumentNumberLength = 15;

    private IdentityNumber(string value) => Value = value;

    [Id(0)] public string Value { get; }

    public IdentityKind Kind => Value.Length > 0 && char.IsAsciiDigit(Value[0]) ? IdentityKind.Citizen : IdentityKind.Foreigner;

    public bool IsCitizen => Kind == IdentityKind.Citizen;

    /// <summary>The personal ID number of a citizen.</summary>
    public PersonalIdNumber Citizen => IsCitizen ? PersonalIdNumber.Parse(Value) : throw new InvalidOperationException("A foreigner has no personal ID number.");

    /// <summary>The country (or ICAO 9303 organisation) that issued a foreigner's document.</summary>
    public string IssuingCountry => IsCitizen ? throw new InvalidOperationException("A citizen's number has no issuing country.") : Value[..3];

    /// <summary>A foreigner's passport or travel document number.</summary>
    public string DocumentNumber => IsCitizen ? throw new InvalidOperationException("A citizen's number is not a travel document.") : Value[4..];

    public override string ToString() => Value;

    public static IdentityNumber Of(PersonalIdNumber id) => new(id.Value);

    /// <summary>Every personal ID number names a citizen's account.</summary>
    public static implicit operator IdentityNumber(PersonalIdNumber id) => Of(id);

    /// <summary>A foreigner's key from the document's issuing country and number (both already canonical).</summary>
    public static IdentityNumber Foreigner(string issuingCountry, string documentNumber) => Parse($"{issuingCountry}-{documentNumber}");

    public static IdentityNumber Parse(string value) =>
        TryParse(value, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>A personal ID number, or a foreigner's <c>CCC-NUMBER</c>; the error says which rule failed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out IdentityNumber id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(value)) { error = "The personal ID number (or a foreigner's passport, as CCC-NUMBER) is required."; return false; }
        if (char.IsAsciiDigit(value[0]))
        {
            if (!PersonalIdNumber.TryParse(value, out _, out error)) return false;
            id = new IdentityNumber(value);
            return true;
        }
        if (value.Length < 5 || value[3] != '-' || !Countries.IsKnown(value.AsSpan(0, 3)))
        {
            error = "A foreigner is named by the document's issuing country (ISO 3166-1 alpha-3, in capitals), a hyphen and the passport or travel document number, e.g. FRA-18AB12345.";
            return false;
        }
        var number = value.AsSpan(4);
        if (number.Length > MaxDocumentNumberLength)
        {
            error = $"A passport or travel document number has at most {MaxDocumentNumberLength} characters.";
            return false;
        }
        foreach (var c in number)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                error = "A passport or travel document number has only the capital letters A-Z and the digits 0-9.";
                return false;
            }
        }
        id = new IdentityNumber(value);
        error = null;
        return true;
    }
}
