using Npgsql;
using NpgsqlTypes;
using Orleans.VNeID.Grains.Storage;

namespace Orleans.VNeID.Silo;

/// <summary>
/// The re-shard (README, "Storage shards"): moves every grain state to the shard that the configured shards
/// (<c>Shards:ConnectionStrings</c>) place it on, from every shard and from the platform's database when that is not a
/// shard (the states it held before they were spread). Run with the cluster's silos stopped. Each move copies a chunk
/// of rows into its new shard and commits, then deletes them from the old one: a run that is cut off leaves copies, never
/// gaps, and running it again finishes the move (a copy keeps the newer version).
/// </summary>
internal static class Resharding
{
    private const int Chunk = 1000;

    private const string Columns =
        "service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string, grain_id_hash, grain_type_hash, payload_binary, version, modified_on";

    private const string CopySql = $"""
        insert into orleans.storage ({Columns})
        select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::integer[], $7::integer[], $8::bytea[], $9::integer[], $10::timestamptz[])
        on conflict (grain_id_n1, grain_id_n0, grain_type_string, grain_id_extension_string, service_id) do update
           set payload_binary = excluded.payload_binary, version = excluded.version, modified_on = excluded.modified_on
         where orleans.storage.version <= excluded.version
        """;

    private const string DeleteSql = """
        delete from orleans.storage s
         using unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) k(service_id, grain_type_string, n0, n1, extension)
         where s.grain_id_n1 = k.n1 and s.grain_id_n0 = k.n0 and s.grain_type_string = k.grain_type_string
           and s.grain_id_extension_string = k.extension and s.service_id = k.service_id
        """;

    private sealed record Row(string ServiceId, string Type, long N0, long N1, string Extension, int IdHash, int TypeHash, byte[]? Payload, int Version, DateTime Modified);

    /// <param name="platform">The platform's database as the owner (membership; the states before they were spread).</param>
    /// <param name="shards">The shards as the owner, shard 0 first; empty when the states are not spread.</param>
    /// <returns>The exit code: 0 done, 1 refused (a silo of the cluster is running).</returns>
    public static async Task<int> RunAsync(string platform, IReadOnlyList<string> shards, string clusterId, bool dryRun, TextWriter log, CancellationToken cancel)
    {
        await using (var membership = NpgsqlDataSource.Create(platform))
        {
            await using var alive = membership.CreateCommand(
                "select count(*) from orleans.membership where deployment_id = $1 and status = 3 and i_am_alive_time > now() - interval '2 minutes'");
            alive.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            if (Convert.ToInt64(await alive.ExecuteScalarAsync(cancel)) > 0)
            {
                await log.WriteLineAsync($"Refusing: silos of cluster {clusterId} are running. Stop them (scripts/down.sh), then run the re-shard again.");
                return 1;
            }
        }

        var targets = shards.Count > 0 ? shards : [platform];
        var sources = targets.Any(t => SameDatabase(t, platform)) ? targets : [platform, .. targets];
        var dataSources = sources.ToDictionary(s => s, s => NpgsqlDataSource.Create(s));
        try
        {
            var moved = 0L;
            foreach (var source in sources)
            {
                var name = Describe(source, targets);
                var pending = targets.Select(_ => new List<Row>()).ToArray();
                long seen = 0, leaving = 0;
                await using var connection = await dataSources[source].OpenConnectionAsync(cancel);
                await using var read = new NpgsqlCommand($"select {Columns} from orleans.storage", connection);
                await using var reader = await read.ExecuteReaderAsync(cancel);
                while (await reader.ReadAsync(cancel))
                {
                    seen++;
                    var row = new Row(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt32(5),
                        reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7), reader.GetInt32(8), reader.GetDateTime(9));
                    var target = StorageShard.Of(row.IdHash, targets.Count);
                    if (SameDatabase(targets[target], source)) continue;
                    leaving++;
                    pending[target].Add(row);
                    if (pending[target].Count < Chunk) continue;
                    if (!dryRun) await MoveAsync(pending[target], dataSources[source], DataSourceOf(targets[target]), cancel);
                    pending[target].Clear();
                }
                for (var t = 0; t < targets.Count; t++)
                    if (pending[t].Count > 0 && !dryRun) await MoveAsync(pending[t], dataSources[source], DataSourceOf(targets[t]), cancel);
                moved += leaving;
                await log.WriteLineAsync($"{name}: {seen:N0} states, {leaving:N0} {(dryRun ? "would move" : "moved")} to their shard.");
            }
            await log.WriteLineAsync(dryRun
                ? $"Dry run: {moved:N0} states would move; nothing was changed."
                : $"Re-shard done: {moved:N0} states moved; every state is on its shard of {targets.Count}.");
            return 0;
        }
        finally
        {
            foreach (var dataSource in dataSources.Values) await dataSource.DisposeAsync();
        }

        NpgsqlDataSource DataSourceOf(string target) =>
            dataSources.TryGetValue(target, out var known) ? known : dataSources[target] = NpgsqlDataSource.Create(target);
    }

    /// <summary>Copies the rows into their new shard (committed), then deletes them from the old one.</summary>
    private static async Task MoveAsync(List<Row> rows, NpgsqlDataSource from, NpgsqlDataSource to, CancellationToken cancel)
    {
        await using (var copy = to.CreateCommand(CopySql))
        {
            AddKeys(copy, rows);
            Add(copy, rows.Select(r => r.IdHash), NpgsqlDbType.Integer);
            Add(copy, rows.Select(r => r.TypeHash), NpgsqlDbType.Integer);
            Add(copy, rows.Select(r => r.Payload), NpgsqlDbType.Bytea);
            Add(copy, rows.Select(r => r.Version), NpgsqlDbType.Integer);
            Add(copy, rows.Select(r => DateTime.SpecifyKind(r.Modified, DateTimeKind.Utc)), NpgsqlDbType.TimestampTz);
            await copy.ExecuteNonQueryAsync(cancel);
        }
        await using var delete = from.CreateCommand(DeleteSql);
        AddKeys(delete, rows);
        await delete.ExecuteNonQueryAsync(cancel);
    }

    /// <summary>The rows' identities, the first five parameters of both statements.</summary>
    private static void AddKeys(NpgsqlCommand command, List<Row> rows)
    {
        Add(command, rows.Select(r => r.ServiceId), NpgsqlDbType.Text);
        Add(command, rows.Select(r => r.Type), NpgsqlDbType.Text);
        Add(command, rows.Select(r => r.N0), NpgsqlDbType.Bigint);
        Add(command, rows.Select(r => r.N1), NpgsqlDbType.Bigint);
        Add(command, rows.Select(r => r.Extension), NpgsqlDbType.Text);
    }

    private static void Add<T>(NpgsqlCommand command, IEnumerable<T> values, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values.ToArray() });

    private static bool SameDatabase(string a, string b)
    {
        var x = new NpgsqlConnectionStringBuilder(a);
        var y = new NpgsqlConnectionStringBuilder(b);
        return string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port && x.Database == y.Database;
    }

    private static string Describe(string database, IReadOnlyList<string> shards)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var index = shards.ToList().FindIndex(s => SameDatabase(s, database));
        return (index >= 0 ? $"Shard {index}" : "The platform's database") + $" ({builder.Host}:{builder.Port}/{builder.Database})";
    }
}
