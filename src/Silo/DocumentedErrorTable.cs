using Orleans.VNeID.Errors;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo;

/// <summary>The error table of docs/api.md, between two markers, generated from the <see cref="ErrorCatalogue"/>.</summary>
public static class DocumentedErrorTable
{
    public const string Begin = "<!-- error-table: generated from ErrorCatalogue by `vneid-silo error-table`; do not edit -->";
    public const string End = "<!-- /error-table -->";

    private static readonly GeneratedSection InDocument = new(Begin, End);

    /// <summary>The document with its table replaced by the catalogue's.</summary>
    public static string Regenerate(string readme) => InDocument.Regenerate(readme, ErrorCatalogue.MarkdownTable());

    /// <summary>The table as the document has it now.</summary>
    public static string Current(string readme) => InDocument.Current(readme);
}
