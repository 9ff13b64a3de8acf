using Orleans.Dashboard;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.VNeID.Platform;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.Cluster;

public static class ClusterClient
{
    /// <summary>The Orleans client, finding silos through the ADO.NET membership table.</summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        // Tests host the gateway against an in-process cluster whose client they register themselves.
        if (builder.Configuration.Read<GatewaySettings>().ClusterClientProvided) return builder;
        var connection = PlatformDatabase.OrleansConnectionString(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(builder.Configuration.GetSection("Cluster"));
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connection; });
            client.UseConnectionRetryFilter<RetryUntilStopped>();
            // Every grain call has a deadline (Messaging:ResponseTimeout): a frozen silo's requests are answered 503 within
            // it. The list of silos to connect to is re-read often, so a silo declared dead is dropped within seconds.
            client.Configure<ClientMessagingOptions>(builder.Configuration.GetSection("Messaging"));
            client.Configure<GatewayOptions>(builder.Configuration.GetSection("ClusterClient"));
            // A call a leaving silo refused before running it is sent again (graceful removal and rolling restarts).
            client.AddOutgoingGrainCallFilter<RetryUndeliveredCalls>();
            // Anonymous answers the account grain paced wait here, not in the grain.
            client.AddOutgoingGrainCallFilter<PaceAnonymousAnswers>();
            // One trace per request: the gateway's activity flows into the grain calls (when traces are exported).
            if (Telemetry.TracesExported(builder.Configuration)) client.AddActivityPropagation();
            if (builder.Configuration.Read<DashboardSettings>().Enabled) client.AddDashboard();
        });
        return builder;
    }
}

/// <summary>Healthy when a silo answers and its database does.</summary>
public sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var database = await cluster.GetGrain<IPlatformHealthGrain>(0).IsDatabaseReachableAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return database ? HealthCheckResult.Healthy("A silo and its database answer.") : HealthCheckResult.Unhealthy("A silo answers; its database does not.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("No silo answered: " + ex.GetType().Name);
        }
    }
}

/// <summary>The gateway may start before any silo: keep trying to connect until the host stops.</summary>
public sealed class RetryUntilStopped : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }
}
