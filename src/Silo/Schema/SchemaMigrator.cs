using Npgsql;

namespace Orleans.VNeID.Silo.Schema;

/// <summary>Applies the embedded scripts in name order, each in its own transaction. Every script is idempotent.</summary>
internal static class SchemaMigrator
{
    public static async Task<int> ApplyAsync(string connectionString, TextWriter log, CancellationToken cancellationToken = default)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // One migrator at a time (two silos starting together, say).
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_lock(804210)", connection))
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            await using (var create = new NpgsqlCommand(
                "create table if not exists public.schema_migrations (script text primary key, applied_at timestamptz not null default now())", connection))
                await create.ExecuteNonQueryAsync(cancellationToken);
            foreach (var name in scripts)
            {
                await using var stream = assembly.GetManifestResourceStream(name)!;
                var sql = await new StreamReader(stream).ReadToEndAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(sql, connection, transaction)) await command.ExecuteNonQueryAsync(cancellationToken);
                await using (var record = new NpgsqlCommand(
                    "insert into public.schema_migrations (script) values ($1) on conflict (script) do update set applied_at = now()", connection, transaction))
                {
                    record.Parameters.AddWithValue(ShortName(name));
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                await log.WriteLineAsync($"  applied {ShortName(name)}");
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(804210)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        return scripts.Length;
    }

    private static string ShortName(string resource) => string.Join('.', resource.Split('.')[^2..]);
}
