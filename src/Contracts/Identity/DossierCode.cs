using System.Diagnostics.CodeAnalysis;

namespace Orleans.VNeID.Identity;

/// <summary>
/// The code printed under the barcode of a level-2 appointment slip: reception date, office number, a serial and a
/// Luhn check digit, grouped for typing: <c>YYMMDD-OOOO-SSSSS-C</c>. The check digit catches any single mistyped
/// digit and most swaps of neighbours.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.DossierCode")]
public readonly record struct DossierCode
{
    private DossierCode(string value) => Value = value;

    [Id(0)] public string Value { get; }

    public override string ToString() => Value;

    public static DossierCode Create(DateOnly receivedOn, int officeNumber, int serial)
    {
        if (officeNumber is < 0 or > 9999) throw new ArgumentOutOfRangeException(nameof(officeNumber));
        if (serial is < 0 or > 99999) throw new ArgumentOutOfRangeException(nameof(serial));
        var digits = $"{receivedOn:yyMMdd}{officeNumber:D4}{serial:D5}";
        return new DossierCode($"{digits[..6]}-{digits[6..10]}-{digits[10..]}-{LuhnCheckDigit(digits)}");
    }

    /// <summary>Accepts the grouped form or the 16 digits alone; refuses a wrong check digit.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out DossierCode code)
    {
        code = default;
        var digits = text?.Replace("-", "", StringComparison.Ordinal).Trim();
        if (digits is not { Length: 16 } || !digits.All(char.IsAsciiDigit)) return false;
        if (LuhnCheckDigit(digits[..15]) != digits[15] - '0') return false;
        code = new DossierCode($"{digits[..6]}-{digits[6..10]}-{digits[10..15]}-{digits[15]}");
        return true;
    }

    /// <summary>The Luhn (mod 10) digit that makes <paramref name="digits"/> followed by it valid.</summary>
    public static int LuhnCheckDigit(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
