using System.Reflection;

namespace Orleans.VNeID.Tests.Platform;

/// <summary>Every assembly of the platform, each named by one of its types.</summary>
internal static class PlatformAssemblies
{
    public static readonly Assembly[] All =
    [
        typeof(Orleans.VNeID.Errors.ErrorCatalogue).Assembly, typeof(Orleans.VNeID.Grains.Accounts.AccountLifecycle).Assembly,
        typeof(Orleans.VNeID.ServiceDefaults.Settings).Assembly, typeof(Orleans.VNeID.Gateway.IdentityProvider.OidcOptions).Assembly,
        typeof(Orleans.VNeID.Silo.DocumentedErrorTable).Assembly, typeof(Orleans.VNeID.IdentityProvider.OidcStoreRegistration).Assembly,
        typeof(Orleans.VNeID.Web.WebPage).Assembly,
    ];
}

/// <summary>
/// One concept, one place: a namespace belongs to one assembly, so that a namespace tells the wire (Contracts: grain
/// interfaces, commands, views, events) from a host's internals (<c>Orleans.VNeID.Grains.*</c>, <c>Orleans.VNeID.Gateway.*</c>).
/// </summary>
public class NamespaceTests
{
    [Fact]
    public void No_namespace_of_the_platform_spans_two_assemblies()
    {
        var spanning = PlatformAssemblies.All.Distinct()
            .SelectMany(a => a.GetTypes().Where(t => t.Namespace?.StartsWith("Orleans.VNeID", StringComparison.Ordinal) == true)
                .Select(t => (t.Namespace!, Assembly: a.GetName().Name!)))
            .Distinct().GroupBy(x => x.Item1).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Assembly))}");
        Assert.Empty(spanning);
    }
}
