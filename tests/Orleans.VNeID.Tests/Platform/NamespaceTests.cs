using System.Reflection;

namespace Orleans.VNeID.Tests.Platform;

/// <summary>
/// One concept, one place. A namespace should belong to one assembly, so that it tells the wire (Contracts: grain
/// interfaces, commands, views, events) from the silo's internals. Eight capabilities still span Contracts and Grains,
/// and they cannot move by a rename alone: grain storage is JSON that names each state's type by its namespace
/// (<c>"$type": "Orleans.VNeID.Accounts.AccountState, Orleans.VNeID.Grains"</c>), so every stored account, dossier,
/// organisation and staff row would stop loading (StoredAccountShapeTests holds such a row). Moving them needs the
/// stored type names mapped first. Until then no other namespace may span two assemblies.
/// </summary>
public class NamespaceTests
{
    private static readonly Assembly[] Platform =
    [
        typeof(Orleans.VNeID.Errors.ErrorCatalogue).Assembly, typeof(Orleans.VNeID.Accounts.AccountLifecycle).Assembly,
        typeof(Orleans.VNeID.ServiceDefaults.Settings).Assembly, typeof(Orleans.VNeID.Gateway.IdentityProvider.OidcOptions).Assembly,
        typeof(Orleans.VNeID.Silo.DocumentedErrorTable).Assembly, typeof(Orleans.VNeID.IdentityProvider.OidcStoreRegistration).Assembly,
        typeof(Orleans.VNeID.Web.WebPage).Assembly,
    ];

    private static readonly string[] StoredUnderTheirNames =
    [
        "Orleans.VNeID.Accounts", "Orleans.VNeID.Dossiers", "Orleans.VNeID.Events", "Orleans.VNeID.Notifications",
        "Orleans.VNeID.OfficeDesk", "Orleans.VNeID.Organisations", "Orleans.VNeID.Security", "Orleans.VNeID.Staff",
    ];

    [Fact]
    public void No_namespace_spans_two_assemblies_but_those_whose_stored_states_name_them()
    {
        var spanning = Platform.Distinct()
            .SelectMany(a => a.GetTypes().Where(t => t.Namespace?.StartsWith("Orleans.VNeID", StringComparison.Ordinal) == true)
                .Select(t => (Namespace: t.Namespace!, Assembly: a.GetName().Name!)))
            .Distinct().GroupBy(x => x.Namespace).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToArray();
        Assert.Empty(spanning.Except(StoredUnderTheirNames));
        // One that no longer spans comes off the list.
        Assert.Empty(StoredUnderTheirNames.Except(spanning));
    }
}
