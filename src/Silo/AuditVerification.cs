using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo;

/// <summary>
/// The <c>audit-verify</c> command. It checks three things and reports what does not add up:
/// <list type="number">
/// <item>every chain of this service recomputes (entries, links, head);</item>
/// <item>every account's and service account's state (its event sequence and chain head, kept in grain storage) agrees
/// with the trail, so deleting an account's entries <em>and</em> head is reported;</item>
/// <item>every signed checkpoint still matches the entries it covers (rewriting a chain, hashes recomputed, is reported).</item>
/// </list>
/// </summary>
internal static class AuditVerification
{
    public static async Task<int> RunAsync(IConfiguration configuration, string? onlyAccount, TextWriter output, CancellationToken cancellationToken)
    {
        var cluster = configuration.GetSection("Cluster").Get<ClusterOptions>() ?? new ClusterOptions();
        await using var dataSource = NpgsqlDataSource.Create(PlatformDatabase.ConnectionString(configuration));
        var trail = new PostgresAuditTrail(dataSource, Options.Create(cluster));
        var accounts = onlyAccount is not null ? [onlyAccount] : await trail.AccountIdsAsync(cancellationToken).ToListAsync(cancellationToken);

        int entries = 0, problems = 0;
        var heads = new Dictionary<string, (long Sequence, byte[] Hash)>(StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            var (chain, head) = await trail.ReadAsync(account, cancellationToken);
            entries += chain.Count;
            if (head is { } h) heads[account] = h;
            foreach (var problem in AuditChain.Verify(chain, head))
            {
                problems++;
                await output.WriteLineAsync($"{account}: {problem}");
            }
        }

        var states = await ChainStates.ReadAsync(dataSource, cluster.ServiceId, cancellationToken);
        foreach (var state in states.Where(s => onlyAccount is null || s.ChainId == onlyAccount))
        {
            if (!heads.ContainsKey(state.ChainId) && onlyAccount is null)
            {
                var (_, head) = await trail.ReadAsync(state.ChainId, cancellationToken);
                if (head is { } h) heads[state.ChainId] = h;
            }
            if (ChainStates.Compare(state, heads.TryGetValue(state.ChainId, out var found) ? found : null) is { } problem)
            {
                problems++;
                await output.WriteLineAsync($"{state.ChainId}: {problem}");
            }
        }

        var checkpointKey = configuration.GetSection(Orleans.VNeID.Grains.Audit.AuditOptions.Section).Get<Orleans.VNeID.Grains.Audit.AuditOptions>()?.CheckpointKey;
        var checkpoints = 0;
        if (string.IsNullOrWhiteSpace(checkpointKey))
        {
            await output.WriteLineAsync("Checkpoints not verified: Audit:CheckpointKey is not configured.");
        }
        else
        {
            var (count, checkpointProblems) = await AuditCheckpoints.VerifyAsync(dataSource, cluster.ServiceId, Convert.FromBase64String(checkpointKey), cancellationToken);
            checkpoints = count;
            foreach (var problem in checkpointProblems)
            {
                problems++;
                await output.WriteLineAsync($"checkpoints: {problem}");
            }
        }

        await output.WriteLineAsync(problems == 0
            ? $"Audit trail intact: {accounts.Count} chain(s), {entries} entries, {states.Count} account state(s) and {checkpoints} signed checkpoint(s) verified (service {cluster.ServiceId})."
            : $"Audit trail TAMPERED: {problems} problem(s) in {accounts.Count} chain(s), {states.Count} account state(s) and {checkpoints} checkpoint(s) ({entries} entries read, service {cluster.ServiceId}).");
        return problems == 0 ? 0 : 1;
    }
}

/// <summary>What grain storage says a chain should hold: its last sequence, its head, and the first event not yet confirmed delivered.</summary>
internal sealed record ChainState(string ChainId, long Sequence, byte[] Head, long? FirstUndelivered);

internal static class ChainStates
{
    /// <summary>Account states (grain state <c>account</c>) and the service accounts' chains (grain state <c>staff</c>).</summary>
    public static async Task<List<ChainState>> ReadAsync(NpgsqlDataSource dataSource, string serviceId, CancellationToken cancellationToken)
    {
        var states = new List<ChainState>();
        await using var command = dataSource.CreateCommand(
            "select grain_type_string, payload_binary from orleans.storage where service_id = $1 and grain_type_string in ('account', 'staff') and payload_binary is not null");
        command.Parameters.AddWithValue(serviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var json = JsonDocument.Parse(reader.GetFieldValue<byte[]>(1));
            var root = json.RootElement;
            var pending = Items(root, "PendingEvents")
                .Select(e => (Chain: e.GetProperty("AccountId").GetString()!, Sequence: e.GetProperty("Sequence").GetInt64()))
                .ToArray();
            long? FirstPending(string chain) => pending.Where(p => p.Chain == chain).Select(p => (long?)p.Sequence).Min();
            if (reader.GetString(0) == "account")
            {
                // States written before the ID number was stored with them cannot be matched to a chain.
                if (!root.TryGetProperty("AccountId", out var id) || id.ValueKind != JsonValueKind.String) continue;
                var chain = id.GetString()!;
                states.Add(new ChainState(chain, root.GetProperty("EventSequence").GetInt64(), Bytes(root.GetProperty("AuditHead")), FirstPending(chain)));
            }
            else if (root.TryGetProperty("Clients", out var clients))
            {
                foreach (var client in clients.EnumerateObject().Where(c => !c.Name.StartsWith('$')))
                {
                    var chain = $"staff:{client.Name}";
                    states.Add(new ChainState(chain, client.Value.GetProperty("EventSequence").GetInt64(), Bytes(client.Value.GetProperty("AuditHead")), FirstPending(chain)));
                }
            }
        }
        return states;
    }

    /// <summary>The problem when state and trail disagree, or null. Events not yet confirmed delivered may be missing from the trail.</summary>
    public static string? Compare(ChainState state, (long Sequence, byte[] Hash)? head)
    {
        if (state.Sequence == 0) return null;
        var delivered = state.FirstUndelivered is { } first ? first - 1 : state.Sequence;
        var trailSequence = head?.Sequence ?? 0;
        if (trailSequence < delivered)
            return head is null
                ? $"the account's state records {state.Sequence} event(s), {delivered} of them delivered, but the trail holds neither entries nor a head (removed)"
                : $"the account's state records {delivered} delivered event(s) but the trail's head is at entry {trailSequence} (entries removed)";
        if (trailSequence > state.Sequence)
            return $"the trail's head is at entry {trailSequence} but the account's state records only {state.Sequence} event(s)";
        if (trailSequence == state.Sequence && !head!.Value.Hash.AsSpan().SequenceEqual(state.Head))
            return $"the trail's head hash differs from the account's state at entry {trailSequence}";
        return null;
    }

    /// <summary>A list as Json.NET writes it with type names (<c>{"$type": …, "$values": […]}</c>) or plainly.</summary>
    private static IEnumerable<JsonElement> Items(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value)) return [];
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$values", out var values)) value = values;
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [];
    }

    /// <summary>A byte array as Json.NET writes it with type names (<c>{"$type": …, "$value": "base64"}</c>) or plainly.</summary>
    private static byte[] Bytes(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$value", out var inner)) value = inner;
        return value.ValueKind == JsonValueKind.String ? Convert.FromBase64String(value.GetString()!) : [];
    }
}
