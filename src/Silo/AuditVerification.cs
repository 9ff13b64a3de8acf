using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.VNeID.Audit;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo;

/// <summary>The <c>audit-verify</c> command: recomputes every chain of this service and reports what does not add up.</summary>
internal static class AuditVerification
{
    public static async Task<int> RunAsync(IConfiguration configuration, string? onlyAccount, TextWriter output, CancellationToken cancellationToken)
    {
        var cluster = configuration.GetSection("Cluster").Get<ClusterOptions>() ?? new ClusterOptions();
        await using var dataSource = NpgsqlDataSource.Create(PlatformDatabase.ConnectionString(configuration));
        var trail = new PostgresAuditTrail(dataSource, Options.Create(cluster));
        var accounts = onlyAccount is not null ? [onlyAccount] : await trail.AccountIdsAsync(cancellationToken).ToListAsync(cancellationToken);

        int entries = 0, broken = 0;
        foreach (var account in accounts)
        {
            var (chain, head) = await trail.ReadAsync(account, cancellationToken);
            entries += chain.Count;
            var problems = AuditChain.Verify(chain, head);
            if (problems.Count == 0) continue;
            broken++;
            foreach (var problem in problems) await output.WriteLineAsync($"{account}: {problem}");
        }
        await output.WriteLineAsync(broken == 0
            ? $"Audit trail intact: {accounts.Count} chain(s), {entries} entries verified (service {cluster.ServiceId})."
            : $"Audit trail TAMPERED: {broken} of {accounts.Count} chain(s) do not verify ({entries} entries read, service {cluster.ServiceId}).");
        return broken == 0 ? 0 : 1;
    }
}
