using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Ends a parent's delegations for a child who has turned 14 (the child registers their own account then): each round
/// finds the open delegations whose child the population database makes 14 on the platform's day, confirms with the
/// parent's account that the child is no longer theirs to act for, marks them ended and owes each relying party
/// registered for security events a RISC "tokens revoked" event for the child's subject. Userinfo and refresh already
/// refuse such tokens (<see cref="ActingFor.ResolveAsync"/>); this tells the relying party. Several gateways may run it:
/// the update that ends a delegation owes the event in the same statement, once.
/// </summary>
public sealed class DelegationEnds(IClusterClient cluster, NpgsqlDataSource database, IOptions<OidcOptions> options, IServiceScopeFactory scopes,
    DeliveryRules rules, ILogger<DelegationEnds> logger) : DeliveryLoop(options, scopes, rules, logger)
{
    protected override int BatchSize => 200;

    protected override string What => "Delegation ends";

    private static readonly string Detail = JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["reason_admin"] = new Dictionary<string, string> { ["en"] = "The child turned 14: the parent's delegation ended." },
        ["reason_user"] = new Dictionary<string, string>
        {
            ["vi"] = "Trẻ đã đủ 14 tuổi: cha, mẹ không còn đăng nhập thay mặt trẻ.", ["en"] = "The child is 14 now: a parent no longer signs in on their behalf.",
        },
    });

    public override async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var today = await cluster.GetGrain<IPlatformHealthGrain>(0).TodayAsync();
        var due = new List<(string Client, string Child, string Parent)>();
        await using (var command = database.CreateCommand(
            "select d.client_id, d.child_id, d.parent_id from oidc.delegations d join registry.citizens c on c.id_number = d.child_id " +
            "where d.ended_at is null and c.date_of_birth <= $1 order by d.created_at limit $2"))
        {
            command.Parameters.AddWithValue(today.AddYears(-14));
            command.Parameters.AddWithValue(BatchSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) due.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        var ended = 0;
        foreach (var (client, child, parent) in due)
        {
            // The parent's account reckons it by the same clock and database: only a child it no longer lists ends here.
            var children = (await cluster.Account(parent).GetChildrenAsync()).Value;
            if (children?.Any(c => c.IdNumber == child) == true) continue;
            await using var end = database.CreateCommand(
                "with ended as (update oidc.delegations set ended_at = now() where client_id = $1 and child_id = $2 and parent_id = $3 and ended_at is null " +
                "returning client_id, child_id, subject, tells) " +
                "insert into oidc.security_event_deliveries (event_id, client_id, account_id, subject, event_type, occurred_at, initiating_entity, detail) " +
                "select 'delegation-ended:' || child_id || ':' || $3, client_id, child_id, subject, $4, now(), 'policy', $5::jsonb from ended where tells " +
                "on conflict (event_id, client_id, event_type) do nothing");
            foreach (var value in new object[] { client, child, parent, Orleans.VNeID.IdentityProvider.RelyingPartyRecords.TokensRevoked, Detail })
                end.Parameters.AddWithValue(value);
            await end.ExecuteNonQueryAsync(cancellationToken);
            ended++;
        }
        if (ended > 0) logger.LogInformation("{Count} delegation(s) for children who turned 14 ended", ended);
        return ended;
    }
}
