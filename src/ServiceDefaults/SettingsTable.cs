using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// The settings table of docs/configuration.md, between two markers, generated from the settings classes: every writable
/// property of every class with a <c>Section</c> constant, its default (config/appsettings.json, else the class's own),
/// its Development value where that differs, and its meaning (the property's XML summary, which the assemblies ship).
/// </summary>
public static partial class SettingsTable
{
    public const string Begin = "<!-- settings-table: generated from the settings classes by `scripts/docs.sh`; do not edit -->";
    public const string End = "<!-- /settings-table -->";

    /// <summary>One setting: its key, its defaults and what it means.</summary>
    public sealed record Row(string Key, string Default, string? Development, string Meaning);

    /// <summary>The settings classes of <paramref name="assemblies"/>: each type with a public <c>Section</c> string constant.</summary>
    public static IEnumerable<(string Section, Type Type)> Classes(IEnumerable<Assembly> assemblies) =>
        assemblies.Distinct().SelectMany(a => a.GetTypes())
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string) && x.Type.IsClass)
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));

    /// <summary>A class's settings: its public writable properties (one named as the section is the section itself).</summary>
    public static IEnumerable<(string Key, PropertyInfo Property)> Keys(string section, Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).OrderBy(p => p.MetadataToken)
            .Select(p => (p.Name == section ? section : $"{section}:{p.Name}", p));

    /// <summary>The rows, with the files of <see cref="ConfigDirectory"/> as the hosts read them.</summary>
    public static IReadOnlyList<Row> Rows(IEnumerable<Assembly> assemblies)
    {
        var files = ConfigDirectory.Files(Environments.Development).Where(f => File.Exists(f.Path)).ToArray();
        var development = Build(files);
        var defaults = Build(files.Where(f => !f.Path.EndsWith($".{Environments.Development}.json", StringComparison.Ordinal)));
        var docs = new Dictionary<Assembly, XDocument?>();
        var rows = new List<Row>();
        foreach (var (section, type) in Classes(assemblies).OrderBy(c => c.Section, StringComparer.Ordinal).ThenBy(c => c.Type.FullName, StringComparer.Ordinal))
        {
            var instance = type.GetConstructor(Type.EmptyTypes) is { } constructor && !type.IsAbstract ? constructor.Invoke(null) : null;
            foreach (var (key, property) in Keys(section, type))
            {
                var shipped = Configured(defaults, key) ?? (instance is null ? null : Format(property.GetValue(instance)));
                var forDevelopment = Configured(development, key);
                if (forDevelopment is not null && key.EndsWith("Key", StringComparison.Ordinal)) forDevelopment = "a public demo key";
                rows.Add(new Row(key, shipped ?? "none", forDevelopment == shipped ? null : forDevelopment, Summary(docs, property)));
            }
        }
        return rows;
    }

    public static string Markdown(IEnumerable<Row> rows)
    {
        var table = new StringBuilder("| Setting | Default | Development | Meaning |\n|---|---|---|---|\n");
        foreach (var row in rows)
            table.Append(CultureInfo.InvariantCulture, $"| `{row.Key}` | {Cell(row.Default)} | {Cell(row.Development)} | {row.Meaning.Replace("|", "\\|")} |\n");
        return table.ToString();
    }

    /// <summary>Where the table stands in docs/configuration.md.</summary>
    public static readonly GeneratedSection InDocument = new(Begin, End);

    private static IConfiguration Build(IEnumerable<(string Path, bool Optional)> files)
    {
        var builder = new ConfigurationBuilder();
        foreach (var (path, _) in files) builder.AddJsonFile(path);
        return builder.Build();
    }

    /// <summary>A value as the configuration files hold it: a value, a short list's values, or how many entries it has.</summary>
    private static string? Configured(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        if (section.Value is { } value) return value.Length == 0 ? null : bool.TryParse(value, out var flag) ? Format(flag) : value;
        var children = section.GetChildren().ToArray();
        if (children.Length == 0) return null;
        return children.Length <= 3 && children.All(c => c.Value is not null && int.TryParse(c.Key, out _))
            ? string.Join(", ", children.Select(c => c.Value))
            : $"{children.Length} entries";
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary d => d.Count == 0 ? null : $"{d.Count} entries",
        IEnumerable e => e.Cast<object?>().Select(Format).ToArray() is { Length: > 0 } items ? string.Join(", ", items) : null,
        _ => null,
    };

    private static string Cell(string? value) => value switch
    {
        null => "",
        "none" or "a public demo key" => value,
        _ when value.EndsWith(" entries", StringComparison.Ordinal) => value,
        _ => $"`{value}`",
    };

    private static string Summary(Dictionary<Assembly, XDocument?> docs, PropertyInfo property)
    {
        var assembly = property.DeclaringType!.Assembly;
        if (!docs.TryGetValue(assembly, out var doc))
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            docs[assembly] = doc = File.Exists(path) ? XDocument.Load(path) : null;
        }
        var name = $"P:{property.DeclaringType.FullName!.Replace('+', '.')}.{property.Name}";
        var summary = doc?.Root?.Element("members")?.Elements("member").FirstOrDefault(m => (string?)m.Attribute("name") == name)?.Element("summary");
        return summary is null ? "" : Spaces().Replace(Text(summary), " ").Trim();
    }

    private static string Text(XElement element) => string.Concat(element.Nodes().Select(node => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "c" or "code" } code => $"`{code.Value}`",
        XElement { Name.LocalName: "see" or "seealso" } see => Reference(see),
        XElement { Name.LocalName: "paramref" or "typeparamref" } reference => $"`{reference.Attribute("name")?.Value}`",
        XElement inner => " " + Text(inner) + " ",
        _ => "",
    }));

    // <see langword="null"/>, <see cref="T:Ns.Type"/> (its last name), or the element's own text.
    private static string Reference(XElement see)
    {
        if (see.Attribute("langword")?.Value is { } word) return $"`{word}`";
        if (see.Attribute("cref")?.Value is { } cref) return $"`{cref[(cref.LastIndexOfAny(['.', ':']) + 1)..]}`";
        return see.Value;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
