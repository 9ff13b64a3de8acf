using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Development;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.ServiceDefaults;

var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddServiceDefaults(args).ConfigureGatewayEndpoints().AddClusterClient();
builder.Services.AddGatewayServices();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapAccountsApi();
app.MapWalletApi();
app.MapSessionsApi();
app.MapRecoveryApi();
app.MapDossiersApi();
if (app.Environment.IsDevelopment()) app.MapDevelopmentApi();
app.Run();
