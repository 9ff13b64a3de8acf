using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Silo;

// A node: a silo with the gateway co-hosted in it (Orleans' own recommended hosting since 7.0). The gateway's handlers call
// the grains through the silo's own grain factory: an account activated here is called without leaving the process, one
// on another silo over the silos' own connections. Configuration is the silo's (Silo:*) and the gateway's (Gateway:*).
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
