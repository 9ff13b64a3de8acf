using System.Text.RegularExpressions;
using Orleans.VNeID.Silo;

namespace Orleans.VNeID.Tests.Documentation;

/// <summary>The README stays short and every link of it and of the guides in docs/ resolves inside the repository.</summary>
public partial class DocumentationTests
{
    private static string RepositoryRoot => Path.GetDirectoryName(ConfigDirectory.Locate())!;

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepositoryRoot, file));
        return data;
    }

    [Fact]
    public void The_readme_is_under_250_lines_and_links_every_guide()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot, "README.md"));
        Assert.InRange(readme.Length, 1, 249);
        var text = string.Join('\n', readme);
        foreach (var guide in Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md"))
            Assert.Contains($"](docs/{Path.GetFileName(guide)})", text);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_link_resolves_inside_the_repository(string document)
    {
        var path = Path.Combine(RepositoryRoot, document);
        var folder = Path.GetDirectoryName(path)!;
        var broken = new List<string>();
        foreach (Match link in Link().Matches(File.ReadAllText(path)))
        {
            var target = link.Groups[1].Value;
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal) ||
                target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal))
                continue;
            var file = Path.GetFullPath(Path.Combine(folder, target.Split('#')[0]));
            if (!file.StartsWith(RepositoryRoot, StringComparison.Ordinal) || (!File.Exists(file) && !Directory.Exists(file))) broken.Add(target);
        }
        Assert.Empty(broken);
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
