using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Development;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Sessions;

var builder = WebApplication.CreateBuilder(Orleans.VNeID.Hosting.HostArguments.WithoutConfigReload(args));
builder.AddPlatformConfiguration(args).AddClusterClient();
builder.Services.AddGatewayServices();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapAccountsApi();
app.MapSessionsApi();
app.MapRecoveryApi();
app.MapDossiersApi();
if (app.Environment.IsDevelopment()) app.MapDevelopmentApi();
app.Run();
