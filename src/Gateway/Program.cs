using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Development;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.Platform;
using Orleans.VNeID.ServiceDefaults;

var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddServiceDefaults(args).ConfigureGatewayEndpoints().AddClusterClient();
try
{
    ProductionSecrets.Require(builder.Configuration, builder.Environment, ["Jwt:SigningKey"], [PlatformNames.ConnectionStringName], serviceAccounts: true);
}
catch (InsecureConfigurationException insecure)
{
    Console.Error.WriteLine(insecure.Message);
    return 1;
}
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
return 0;
