using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Orleans.VNeID.Silo.Schema;

/// <summary>A script that was changed after it was applied: add a new script instead of editing an applied one.</summary>
public sealed class ChangedMigrationException(string script, string applied, string now)
    : Exception($"Schema script {script} was changed after it was applied (checksum {applied[..12]}… then, {now[..12]}… now). " +
                "Applied scripts are never edited: add a new script with the change.");

/// <summary>
/// Applies the embedded scripts in name order, each in its own transaction, and records each one's name and SHA-256
/// checksum in <c>public.schema_migrations</c>. A recorded script is not run again; a recorded script whose text has
/// changed stops the migration before anything else runs.
/// </summary>
internal static class SchemaMigrator
{
    private const long AdvisoryLock = 804210;

    /// <summary>
    /// Applies the scripts as the owner role of <paramref name="connectionString"/>, then grants <paramref name="appRole"/>
    /// (the role the silos and gateways connect as) what it needs and nothing more: on the audit tables insert and select
    /// only (heads also move forward), so it can neither rewrite nor remove the trail, nor disable its triggers.
    /// </summary>
    /// <returns>How many scripts were applied by this call.</returns>
    public static async Task<int> ApplyAsync(string connectionString, TextWriter log, CancellationToken cancellationToken = default, string? appRole = null)
    {
        var scripts = Scripts();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // One migrator at a time (two silos starting together, say).
        await ExecuteAsync(connection, $"select pg_advisory_lock({AdvisoryLock})", cancellationToken);
        try
        {
            await ExecuteAsync(connection,
                "create table if not exists public.schema_migrations (script text primary key, applied_at timestamptz not null default now());" +
                "alter table public.schema_migrations add column if not exists checksum text", cancellationToken);
            var recorded = await RecordedAsync(connection, cancellationToken);

            // Every applied script is checked before any new one runs.
            foreach (var (name, _, checksum) in scripts)
            {
                if (recorded.TryGetValue(name, out var applied) && applied is not null && applied != checksum)
                    throw new ChangedMigrationException(name, applied, checksum);
            }

            var count = 0;
            foreach (var (name, sql, checksum) in scripts)
            {
                if (recorded.TryGetValue(name, out var applied))
                {
                    // Recorded by the runner before checksums were kept: its text then is taken to be this one.
                    if (applied is null) await RecordAsync(connection, null, name, checksum, cancellationToken);
                    continue;
                }
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(sql, connection, transaction)) await command.ExecuteNonQueryAsync(cancellationToken);
                await RecordAsync(connection, transaction, name, checksum, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                await log.WriteLineAsync($"  applied {name}");
                count++;
            }
            if (appRole is not null && appRole != connection.UserName) await GrantAsync(connection, appRole, cancellationToken);
            return count;
        }
        finally
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({AdvisoryLock})", CancellationToken.None);
        }
    }

    /// <summary>The embedded scripts in name order, with their checksums (line endings normalised).</summary>
    internal static IReadOnlyList<(string Name, string Sql, string Checksum)> Scripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(resource =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
                var sql = reader.ReadToEnd();
                return (ShortName(resource), sql, Checksum(sql));
            })
            .ToArray();
    }

    /// <summary>The application role's privileges, granted afresh on every migration (new tables included).</summary>
    private static async Task GrantAsync(NpgsqlConnection connection, string appRole, CancellationToken cancellationToken)
    {
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(appRole);
        await ExecuteAsync(connection, $"""
            revoke all on all tables in schema orleans, registry, immigration, registers, business, notifications, audit, oidc, events from {role};
            grant usage on schema orleans, registry, immigration, registers, business, notifications, audit, oidc, events to {role};
            grant select, insert, update, delete on all tables in schema orleans to {role};
            grant usage, select on all sequences in schema orleans to {role};
            grant execute on all functions in schema orleans to {role};
            grant select on all tables in schema registry to {role};
            grant select on all tables in schema immigration to {role};
            grant select on all tables in schema registers to {role};
            grant select on all tables in schema business to {role};
            grant select, insert, update, delete on all tables in schema notifications to {role};
            grant usage, select on all sequences in schema notifications to {role};
            grant select, insert on audit.entries, audit.checkpoints to {role};
            grant select, insert, update (seq, hash) on audit.heads to {role};
            grant select, insert, update, delete on all tables in schema oidc to {role};
            grant usage, select on all sequences in schema oidc to {role};
            grant select, insert, update, delete on all tables in schema events to {role};
            """, cancellationToken);
    }

    internal static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    private static async Task<Dictionary<string, string?>> RecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("select script, checksum from public.schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) recorded[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return recorded;
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, string checksum,
        CancellationToken cancellationToken)
    {
        await using var record = new NpgsqlCommand(
            "insert into public.schema_migrations (script, checksum) values ($1, $2) on conflict (script) do update set checksum = excluded.checksum",
            connection, transaction);
        record.Parameters.AddWithValue(name);
        record.Parameters.AddWithValue(checksum);
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ShortName(string resource) => string.Join('.', resource.Split('.')[^2..]);
}
