using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.ServiceDefaults;

// The gateway on a host of its own: an Orleans client of the silos (GatewayApp; co-hosted in a silo by vneid-node).
var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddServiceDefaults(args);
if (!GatewayApp.Configure(builder)) return 1;
var app = builder.Build();
GatewayApp.Map(app);
app.Run();
return 0;
