using Orleans.VNeID.Gateway.Events;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.AccountConsole;
using Orleans.VNeID.Gateway.Credentials;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Development;
using Orleans.VNeID.Gateway.Desk;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.FirstSteps;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.Platform;
using Orleans.VNeID.ServiceDefaults;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload(args));
builder.AddServiceDefaults(args).ConfigureGatewayEndpoints().AddClusterClient();
builder.AddPlatformTelemetry(tracing => tracing.AddAspNetCoreInstrumentation())
    .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
builder.Services.AddGatewayServices();
builder.Services.AddOperatorFeed();
try
{
    string[] keys = builder.Configuration.GetValue<bool>("Oidc:Enabled") ? ["Jwt:SigningKey", "Oidc:EncryptionKey", "Oidc:PairwiseKey"] : ["Jwt:SigningKey"];
    ProductionSecrets.Require(builder.Configuration, builder.Environment, keys, [PlatformNames.ConnectionStringName], serviceAccounts: true);
    builder.AddTrustedProxies();
    builder.AddOidcProvider();
    builder.AddAccountConsole();
    builder.AddSharedDataProtection();
    builder.AddCredentialIssuer();
}
catch (InsecureConfigurationException insecure)
{
    Console.Error.WriteLine(insecure.Message);
    return 1;
}

var app = builder.Build();
app.UseGatewayPipeline();
app.MapAccountsApi();
app.MapWalletApi();
app.MapSessionsApi();
app.MapRecoveryApi();
app.MapDossiersApi();
app.MapEventsApi();
app.MapOidcProvider();
app.MapAccountConsole();
app.MapCredentialIssuer();
app.MapFirstStepPages();
app.MapDesk();
app.MapDossierLookupPage();
// The Orleans dashboard (silos, activations, call latencies), for operators only; not part of the API's description.
// An operator signs in from a browser at /dashboard/sign-in (or sends an operator's bearer token).
if (app.Configuration.GetValue("Dashboard:Enabled", true) && !app.Configuration.GetValue<bool>("Gateway:ClusterClientProvided"))
{
    Orleans.Dashboard.ServiceCollectionExtensions.MapOrleansDashboard(app, "/dashboard")
        .RequireAuthorization(Orleans.VNeID.Gateway.Auth.Policies.Operator).ExcludeFromDescription();
    app.MapStaffSignIn(Orleans.VNeID.Gateway.Auth.StaffSignInPage.Dashboard);
}
if (app.Environment.IsDevelopment()) app.MapDevelopmentApi();
app.Run();
return 0;
