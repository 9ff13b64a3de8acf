using Microsoft.Extensions.Options;

namespace Orleans.VNeID.Offices;

/// <summary>The four levels of police office that register level-2 accounts (docs/domain.md, "The procedures").</summary>
public enum OfficeLevel
{
    Central = 0,
    Province = 1,
    District = 2,
    Commune = 3,
}

/// <summary>One police office: a code, a number printed in its dossier codes, a name and its parent office.</summary>
public sealed class OfficeDefinition
{
    public string Code { get; set; } = "";
    public int Number { get; set; }
    public string Name { get; set; } = "";
    public OfficeLevel Level { get; set; }
    public string? Parent { get; set; }
}

/// <summary>The offices. Section <c>Offices</c> (a list).</summary>
public sealed class OfficeOptions
{
    public const string Section = "Offices";

    public List<OfficeDefinition> Offices { get; set; } = [];
}

public sealed class OfficeDirectory(IOptions<OfficeOptions> options)
{
    private readonly Dictionary<string, OfficeDefinition> _byCode =
        options.Value.Offices.ToDictionary(o => o.Code, StringComparer.Ordinal);

    public OfficeDefinition? Find(string code) => _byCode.GetValueOrDefault(code);

    public IReadOnlyCollection<OfficeDefinition> All => _byCode.Values;
}
