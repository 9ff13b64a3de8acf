namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// A part of a document between two marker lines, written from the code (the error table of docs/api.md, the settings
/// table of docs/configuration.md); a test compares <see cref="Current"/> with what the code would write.
/// </summary>
public sealed record GeneratedSection(string Begin, string End)
{
    /// <summary>The document with the part replaced by <paramref name="content"/>.</summary>
    public string Regenerate(string document, string content)
    {
        var (start, end) = Bounds(document);
        return document[..(start + Begin.Length)] + "\n" + content + document[end..];
    }

    /// <summary>The part as the document has it now.</summary>
    public string Current(string document)
    {
        var (start, end) = Bounds(document);
        return document[(start + Begin.Length)..end].TrimStart('\n');
    }

    private (int Start, int End) Bounds(string document)
    {
        var start = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"The document has no part between '{Begin}' and '{End}'.");
        return (start, end);
    }
}
