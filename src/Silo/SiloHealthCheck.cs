using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Orleans.VNeID.Silo;

/// <summary>
/// Ready while this silo is an active member of the cluster: not while it joins, and no longer once it shuts down or
/// has been declared dead (a load balancer or Kubernetes then stops sending it anything).
/// </summary>
internal sealed class SiloHealthCheck(ILocalSiloDetails local, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(local.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var description = $"This silo is {status.ToString().ToLowerInvariant()}; {active} active in the cluster.";
        return Task.FromResult(status == SiloStatus.Active ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}
