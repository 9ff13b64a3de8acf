using System.Text;

namespace Orleans.VNeID.Identity;

/// <summary>
/// Full-name comparison as the registry does it: Unicode NFC, whitespace collapsed, case folded,
/// diacritics kept ("Lê" and "Lệ" are different people).
/// </summary>
public static class CitizenName
{
    public const int MaxLength = 100;

    public static string Normalize(string name)
    {
        var composed = name.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) { builder.Append(' '); pendingSpace = false; }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    public static bool Matches(string declared, string registered) =>
        string.Equals(Normalize(declared), Normalize(registered), StringComparison.Ordinal);

    /// <summary>Letters (any script, with combining marks), spaces, apostrophes and hyphens only.</summary>
    public static bool IsWellFormed(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > MaxLength) return false;
        foreach (var c in trimmed)
        {
            var category = char.GetUnicodeCategory(c);
            var ok = char.IsLetter(c) || char.IsWhiteSpace(c) || c is '\'' or '-' ||
                     category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
            if (!ok) return false;
        }
        return true;
    }
}
