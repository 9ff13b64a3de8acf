using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Silo;

/// <summary>The error table of docs/api.md, between two markers, generated from the <see cref="ErrorCatalogue"/>.</summary>
public static class DocumentedErrorTable
{
    public const string Begin = "<!-- error-table: generated from ErrorCatalogue by `vneid-silo error-table`; do not edit -->";
    public const string End = "<!-- /error-table -->";

    /// <summary>The document with its table replaced by the catalogue's.</summary>
    public static string Regenerate(string readme)
    {
        var (start, end) = Bounds(readme);
        return readme[..(start + Begin.Length)] + "\n" + ErrorCatalogue.MarkdownTable() + readme[end..];
    }

    /// <summary>The table as the document has it now.</summary>
    public static string Current(string readme)
    {
        var (start, end) = Bounds(readme);
        return readme[(start + Begin.Length)..end].TrimStart('\n');
    }

    private static (int Start, int End) Bounds(string readme)
    {
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"The document has no error table between '{Begin}' and '{End}'.");
        return (start, end);
    }
}
