using System.Reflection;
using System.Text.RegularExpressions;

namespace Orleans.VNeID.Tests.Platform;

/// <summary>
/// Settings one way: every setting a property of a class bound from its section (no key read by name in the code), and
/// docs/configuration.md listing exactly the settings those classes hold.
/// </summary>
public partial class SettingsTests
{
    private static string RepositoryRoot => Path.GetDirectoryName(Orleans.VNeID.ServiceDefaults.ConfigDirectory.Locate())!;

    private static readonly Assembly[] Platform = PlatformAssemblies.All;

    /// <summary>The platform's settings classes: every type with a <c>Section</c> constant, in every assembly of the platform.</summary>
    private static IEnumerable<(string Section, Type Type)> SettingsClasses() => SettingsTable.Classes(Platform);

    private static IEnumerable<string> Keys((string Section, Type Type) settings) => SettingsTable.Keys(settings.Section, settings.Type).Select(k => k.Key);

    /// <summary>The keys the table's first column names: <c>`Section:A`, `B`</c> means Section:A and Section:B.</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot, "docs", "configuration.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal)) continue;
            var first = line.Split('|')[1];
            string? section = null;
            foreach (Match code in Code().Matches(first))
            {
                var key = code.Groups[1].Value;
                if (key.Contains(':')) section = key.Contains('<') ? null : key[..key.IndexOf(':')];
                else if (section is not null && !key.Contains('/') && !key.Contains('.')) key = $"{section}:{key}";
                // A per-entry key (CaptureDevices:<device id>:Office) names a dictionary's entries, not a property.
                if (key.Contains('<')) continue;
                keys.Add(key.TrimEnd(':'));
            }
        }
        return keys;
    }

    [Fact]
    public void Every_setting_of_every_settings_class_is_in_the_configuration_table_and_the_table_names_no_other_of_their_sections()
    {
        var classes = SettingsClasses().ToArray();
        Assert.NotEmpty(classes);
        var documented = DocumentedKeys();
        var held = classes.SelectMany(Keys).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(held.Where(k => !documented.Contains(k)).Order());
        var sections = classes.Select(c => c.Section).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(documented.Where(k => k.Contains(':') && !k.Contains('<') && sections.Contains(k[..k.IndexOf(':')]) && !held.Contains(k)).Order());
    }

    /// <summary>The table is the classes': each setting with its default and what it means (the property's summary).</summary>
    [Fact]
    public void The_settings_table_is_generated_from_the_settings_classes()
    {
        var rows = SettingsTable.Rows(Platform);
        Assert.True(rows.Count > 100, $"{rows.Count} settings found.");
        Assert.Empty(rows.Where(r => r.Meaning.Length == 0).Select(r => $"{r.Key} has no summary"));
        var document = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "configuration.md"));
        Assert.True(SettingsTable.Markdown(rows) == SettingsTable.InDocument.Current(document),
            "docs/configuration.md's settings table is not the classes': run scripts/docs.sh");
    }

    [Fact]
    public void No_setting_is_read_by_its_key_outside_a_settings_class()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (KeyRead().IsMatch(line)) offenders.Add($"{Path.GetRelativePath(RepositoryRoot, file)}:{lineNumber}");
            }
        }
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"`([A-Za-z][A-Za-z0-9:<> ]*)`")]
    private static partial Regex Code();

    // configuration.GetValue(...) or configuration["Key"] read (a write, "... = ", is the host setting a value).
    [GeneratedRegex(@"onfiguration\s*\.GetValue\s*[<(]|onfiguration\s*\[""[A-Za-z][^""]*""\](?!\s*=[^=])")]
    private static partial Regex KeyRead();
}
