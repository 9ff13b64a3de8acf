using System.Text.RegularExpressions;
using Orleans.VNeID.Silo;

namespace Orleans.VNeID.Tests.Errors;

public class ErrorCatalogueTests
{
    private static string RepositoryRoot => Path.GetDirectoryName(ConfigDirectory.Locate())!;

    [Fact]
    public void The_documented_error_table_is_the_catalogue()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "api.md"));
        // On failure: regenerate with `dotnet run --project src/Silo -- error-table`.
        Assert.Equal(ErrorCatalogue.MarkdownTable(), DocumentedErrorTable.Current(readme));
    }

    [Fact]
    public void Codes_are_unique_snake_case_with_a_status_and_a_meaning()
    {
        Assert.Equal(ErrorCatalogue.All.Count, ErrorCatalogue.All.Select(e => e.Code).Distinct().Count());
        Assert.All(ErrorCatalogue.All, e =>
        {
            Assert.Matches("^[a-z0-9]+(_[a-z0-9]+)*$", e.Code);
            Assert.InRange(e.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(e.Meaning));
            Assert.Same(e, ErrorCatalogue.Find(e.Code));
        });
    }

    [Fact]
    public void No_source_file_but_the_catalogue_spells_a_code()
    {
        var catalogue = Path.Combine("src", "Contracts", "Errors", "ErrorCatalogue.cs");
        var sources = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToDictionary(f => Path.GetRelativePath(RepositoryRoot, f), File.ReadAllText);
        Assert.Contains(catalogue, sources.Keys);
        foreach (var error in ErrorCatalogue.All)
        {
            var literal = new Regex($"\"{Regex.Escape(error.Code)}\"");
            Assert.Equal([catalogue], sources.Where(s => literal.IsMatch(s.Value)).Select(s => s.Key));
        }
    }

    [Fact]
    public void A_refusal_takes_its_status_from_the_catalogue_and_an_unknown_code_is_a_defect()
    {
        var refusal = ErrorCatalogue.OtpCooldown.Refuse("wait", TimeSpan.FromSeconds(59.2));
        Assert.Equal(429, refusal.Error.Status);
        Assert.Equal(60, refusal.RetryAfterSeconds);
        Assert.Equal(ErrorCatalogue.AccountNotFound.Meaning, ErrorCatalogue.AccountNotFound.Refuse().Detail);
        Assert.Throws<KeyNotFoundException>(() => new Refusal("no_such_code", "").Error);
    }

    [Theory]
    [InlineData(404, "not_found")]
    [InlineData(405, "method_not_allowed")]
    [InlineData(406, "malformed_request")]
    [InlineData(502, "internal_error")]
    [InlineData(503, "service_unavailable")]
    public void A_bare_framework_status_gets_a_catalogue_code(int status, string code) =>
        Assert.Equal(code, ErrorCatalogue.ForStatus(status).Code);
}
