using Microsoft.Extensions.Options;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Grains.Offices;

public sealed class OfficeDirectory(IOptions<OfficeOptions> options)
{
    private readonly Dictionary<string, OfficeDefinition> _byCode =
        options.Value.Offices.ToDictionary(o => o.Code, StringComparer.Ordinal);

    public OfficeDefinition? Find(string code) => _byCode.GetValueOrDefault(code);

    public IReadOnlyCollection<OfficeDefinition> All => _byCode.Values;
}
