using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.VNeID.ServiceDefaults;

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

/// <summary>The offices. Section <c>Offices</c> (a list): read by the silos' office directory and by the gateway (the live feed's filter).</summary>
public sealed class OfficeOptions
{
    public const string Section = "Offices";

    /// <summary>The police offices: each one's code, number (printed in its dossier codes), level, parent and name.</summary>
    public List<OfficeDefinition> Offices { get; set; } = [];
}

public static class OfficeSettings
{
    /// <summary>The offices, bound from the list of section <c>Offices</c>.</summary>
    public static IServiceCollection AddOfficeSettings(this IServiceCollection services)
    {
        services.AddOptions<OfficeOptions>().Configure<IConfiguration>((o, c) => c.GetSection(OfficeOptions.Section).Bind(o.Offices));
        return services;
    }
}
