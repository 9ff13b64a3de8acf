using System.Formats.Asn1;
using System.Globalization;
using System.Text;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Grains.Chips;

/// <summary>
/// The data groups of a Vietnamese chip ID card as this platform reads them (ICAO 9303 part 10):
/// DG1 holds the machine-readable zone (TD1, three lines of 30), DG13 the holder's details in Vietnamese (the card's
/// national data group: ID number, full name with diacritics, birth date, gender, card number, issue and expiry dates).
/// </summary>
public sealed record ChipHolder(
    string IdNumber,
    string FullName,
    DateOnly DateOfBirth,
    Gender Gender,
    string CardNumber,
    DateOnly IssuedOn,
    DateOnly? ExpiresOn)
{
    public const int Mrz = 1;
    public const int NationalData = 13;

    private static readonly Asn1Tag Dg1Tag = new(TagClass.Application, 1, isConstructed: true);
    private static readonly Asn1Tag MrzTag = new(TagClass.Application, 31); // 5F1F
    private static readonly Asn1Tag Dg13Tag = new(TagClass.Application, 13, isConstructed: true);

    /// <summary>DG1: tag 61, holding tag 5F1F with the TD1 machine-readable zone.</summary>
    public byte[] EncodeDg1()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(Dg1Tag))
            writer.WriteOctetString(Encoding.ASCII.GetBytes(Td1()), MrzTag);
        return writer.Encode();
    }

    /// <summary>DG13: tag 6D, a sequence of UTF-8 strings in a fixed order.</summary>
    public byte[] EncodeDg13()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence(Dg13Tag))
        {
            foreach (var field in new[]
                     {
                         IdNumber, FullName, Date(DateOfBirth), Gender == Gender.Male ? "Nam" : "Nữ", CardNumber, Date(IssuedOn),
                         ExpiresOn is { } e ? Date(e) : "Không thời hạn",
                     })
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, field);
        }
        return writer.Encode();
    }

    /// <summary>Reads DG13, and checks that DG1's machine-readable zone names the same card and ID number.</summary>
    public static ChipHolder Decode(byte[] dg1, byte[] dg13)
    {
        var outer = new AsnReader(dg13, AsnEncodingRules.DER);
        var fields = outer.ReadSequence(Dg13Tag);
        outer.ThrowIfNotEmpty();
        string Next() => fields.ReadCharacterString(UniversalTagNumber.UTF8String);
        var holder = new ChipHolder(Next(), Next(), ParseDate(Next()), Next() == "Nam" ? Gender.Male : Gender.Female, Next(), ParseDate(Next()),
            Next() is var expiry && expiry == "Không thời hạn" ? null : ParseDate(expiry));
        fields.ThrowIfNotEmpty();

        var mrzReader = new AsnReader(dg1, AsnEncodingRules.DER);
        var group = mrzReader.ReadSequence(Dg1Tag);
        var mrz = Encoding.ASCII.GetString(group.ReadOctetString(MrzTag));
        if (mrz != holder.Td1()) throw new FormatException("The machine-readable zone (DG1) does not agree with the holder's details (DG13).");
        return holder;
    }

    /// <summary>
    /// The TD1 zone of the card: document code, issuing state, the card number's last nine digits with its check digit,
    /// the ID number in the optional data; birth date, sex, expiry, nationality; the name without diacritics.
    /// </summary>
    public string Td1()
    {
        var document = CardNumber.Length > 9 ? CardNumber[^9..] : CardNumber.PadRight(9, '<');
        var line1 = Pad($"IDVNM{document}{Check(document)}{IdNumber}", 30);
        var birth = DateOfBirth.ToString("yyMMdd", CultureInfo.InvariantCulture);
        var expiry = ExpiresOn?.ToString("yyMMdd", CultureInfo.InvariantCulture) ?? "<<<<<<";
        var line2Start = $"{birth}{Check(birth)}{(Gender == Gender.Male ? 'M' : 'F')}{expiry}{Check(expiry)}VNM";
        var line2Body = Pad(line2Start, 29);
        var composite = line1[5..30] + line2Body[..7] + line2Body[8..15] + line2Body[18..29];
        var line2 = line2Body + Check(composite);
        var line3 = Pad(MrzName(FullName), 30);
        return line1 + line2 + line3;
    }

    private static string Date(DateOnly day) => day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static string Pad(string text, int length) => text.Length >= length ? text[..length] : text.PadRight(length, '<');

    /// <summary>The surname, then the given names, in capitals without diacritics (Đ becomes D), as ICAO 9303 writes them.</summary>
    private static string MrzName(string fullName)
    {
        var parts = fullName.Replace('Đ', 'D').Replace('đ', 'd').Normalize(NormalizationForm.FormD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray();
        var names = new string(parts).ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return names.Length == 0 ? "" : names[0] + "<<" + string.Join('<', names.Skip(1));
    }

    /// <summary>ICAO 9303 part 3 check digit: weights 7, 3, 1; digits as themselves, A-Z as 10-35, the filler as 0.</summary>
    internal static char Check(string field)
    {
        int[] weights = [7, 3, 1];
        var sum = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            var value = c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : 0;
            sum += value * weights[i % 3];
        }
        return (char)('0' + sum % 10);
    }
}
