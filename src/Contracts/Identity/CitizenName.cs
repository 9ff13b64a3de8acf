using System.Text;

namespace Orleans.VNeID.Identity;

/// <summary>
/// Full-name comparison as the registry does it: Unicode NFC, whitespace collapsed, case folded,
/// diacritics kept ("Lê" and "Lệ" are different people), and the tone mark's place in a syllable ignored: the old and
/// the new spelling rules put it on different vowels ("Hòa" and "Hoà", "Thủy" and "Thuỷ" are one name).
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
        string.Equals(ToneCanonical(Normalize(declared)), ToneCanonical(Normalize(registered)), StringComparison.Ordinal);

    /// <summary>
    /// The five Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below). The other
    /// marks (circumflex, breve, horn) are part of the vowel and stay where they are.
    /// </summary>
    private static bool IsToneMark(char c) => c is '\u0300' or '\u0301' or '\u0303' or '\u0309' or '\u0323';

    /// <summary>
    /// Each syllable with its tone mark (a syllable has at most one) moved to the syllable's end: a spelling that differs
    /// only in which vowel carries the tone gives the same text, and a different tone never does.
    /// </summary>
    internal static string ToneCanonical(string normalized)
    {
        var decomposed = normalized.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length + 4);
        var tones = new StringBuilder(2);
        foreach (var c in decomposed)
        {
            if (IsToneMark(c)) { tones.Append(c); continue; }
            if (!char.IsLetter(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                builder.Append(tones).Append(c); // a space, hyphen or apostrophe ends the syllable
                tones.Clear();
                continue;
            }
            builder.Append(c);
        }
        return builder.Append(tones).ToString();
    }

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
