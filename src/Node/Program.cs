using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Silo;

// A node: a silo with the gateway co-hosted in it (Orleans' own recommended hosting since 7.0). The gateway's handlers call
// the grains through the silo's own grain factory: an account activated here is called without leaving the process, one
// on another silo over the silos' own connections. Configuration is the silo's (Silo:*) and the gateway's (Gateway:*).
// `vneid-node settings-table` regenerates the settings table of docs/configuration.md (scripts/docs.sh): the node holds
// every assembly with settings classes, the silo's and the gateway's.
if (args is ["settings-table"])
{
    var document = Path.Combine(Path.GetDirectoryName(ConfigDirectory.Locate())!, "docs", "configuration.md");
    var table = SettingsTable.Markdown(SettingsTable.Rows(PlatformAssemblies.All));
    File.WriteAllText(document, SettingsTable.InDocument.Regenerate(File.ReadAllText(document), table));
    Console.WriteLine($"Wrote {document}");
    return 0;
}

var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddServiceDefaults(args);
builder.Configuration["Gateway:CoHosted"] = "true";
try
{
    SiloHosting.Configure(builder, managementListener: false, silo => silo
        // What the gateway's Orleans client does for its calls, here for calls made outside any grain (HTTP handlers).
        .AddOutgoingGrainCallFilter<RetryUndeliveredCalls>()
        .AddOutgoingGrainCallFilter<PaceAnonymousAnswers>());
}
catch (InsecureConfigurationException insecure)
{
    Console.Error.WriteLine(insecure.Message);
    return 1;
}
if (!GatewayApp.Configure(builder)) return 1;
var app = builder.Build();
GatewayApp.Map(app);
app.Run();
return 0;

/// <summary>The platform's assemblies, each named by one of its types.</summary>
internal static class PlatformAssemblies
{
    public static readonly System.Reflection.Assembly[] All =
    [
        typeof(Orleans.VNeID.Errors.ErrorCatalogue).Assembly, typeof(ServiceDefaultsExtensions).Assembly,
        typeof(Orleans.VNeID.Grains.Accounts.AccountLifecycle).Assembly, typeof(SiloHosting).Assembly, typeof(GatewayApp).Assembly,
        typeof(Orleans.VNeID.IdentityProvider.OidcStoreRegistration).Assembly,
    ];
}
