using Orleans.VNeID.Gateway.Events;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.AccountConsole;
using Orleans.VNeID.Gateway.Credentials;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Development;
using Orleans.VNeID.Gateway.Desk;
using Orleans.VNeID.Gateway.Dossiers;
using Orleans.VNeID.Gateway.FirstSteps;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Recovery;
using Orleans.VNeID.Gateway.Passkeys;
using Orleans.VNeID.Gateway.Sessions;
using Orleans.VNeID.Platform;
using Orleans.VNeID.ServiceDefaults;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>
/// The HTTP edge as one piece: the API, the OpenID Connect provider, the credential issuer and the web area, on a host of
/// its own (<c>vneid-gateway</c>, an Orleans client) or co-hosted in a silo (<c>vneid-node</c>, local grain calls).
/// </summary>
public static class GatewayApp
{
    /// <summary>
    /// <c>Gateway:CoHosted</c>: the host is also a silo; grain calls are the silo's own, and the Orleans dashboard's
    /// services are the silo's.
    /// </summary>
    public static bool CoHosted(IConfiguration configuration) => configuration.Read<GatewaySettings>().CoHosted;

    /// <summary>Adds the gateway to <paramref name="builder"/>; false (the reason on standard error) when its configuration is insecure.</summary>
    public static bool Configure(WebApplicationBuilder builder)
    {
        if (CoHosted(builder.Configuration)) builder.Configuration["Gateway:ClusterClientProvided"] = "true";
        builder.ConfigureGatewayEndpoints().AddClusterClient();
        builder.AddPlatformTelemetry(tracing => tracing.AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        builder.Services.AddGatewayServices();
        builder.Services.AddOperatorFeed();
        builder.Services.AddOfficeSettings();
        try
        {
            string[] keys = builder.Configuration.Read<OidcOptions>().Enabled ? ["Jwt:SigningKey", "Oidc:EncryptionKey", "Oidc:PairwiseKey"] : ["Jwt:SigningKey"];
            ProductionSecrets.Require(builder.Configuration, builder.Environment, keys, [PlatformNames.ConnectionStringName], serviceAccounts: true);
            builder.AddTrustedProxies();
            builder.AddOidcProvider();
            builder.AddAccountConsole();
            builder.AddSharedDataProtection();
            builder.AddCredentialIssuer();
            return true;
        }
        catch (InsecureConfigurationException insecure)
        {
            Console.Error.WriteLine(insecure.Message);
            return false;
        }
    }

    public static void Map(WebApplication app)
    {
        app.UseGatewayPipeline();
        app.MapAccountsApi();
        app.MapWalletApi();
        app.MapSessionsApi();
        app.MapPasskeysApi();
        Orleans.VNeID.Gateway.Organisations.OrganisationsApi.MapOrganisationsApi(app);
        app.MapQrSignInApi();
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
        // An operator signs in from a browser at /dashboard/sign-in (or sends an operator's bearer token). Tests that provide
        // a cluster client of their own have no dashboard; a co-hosted gateway has the silo's.
        var dashboard = CoHosted(app.Configuration) || !app.Configuration.Read<GatewaySettings>().ClusterClientProvided;
        if (app.Configuration.Read<DashboardSettings>().Enabled && dashboard)
        {
            Orleans.Dashboard.ServiceCollectionExtensions.MapOrleansDashboard(app, "/dashboard")
                .RequireAuthorization(Orleans.VNeID.Gateway.Auth.Policies.Operator).ExcludeFromDescription();
            app.MapStaffSignIn(Orleans.VNeID.Gateway.Auth.StaffSignInPage.Dashboard);
        }
        if (app.Environment.IsDevelopment()) app.MapDevelopmentApi();
    }
}
