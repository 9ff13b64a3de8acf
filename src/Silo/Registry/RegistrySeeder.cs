using Npgsql;
using NpgsqlTypes;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Registry;
using Spectre.Console;

namespace Orleans.VNeID.Silo.Registry;

/// <summary>Writes a generated population into <c>registry.citizens</c> with binary COPY, showing progress.</summary>
internal static class RegistrySeeder
{
    public static async Task<int> RunAsync(string connectionString, int count, int seed, bool replace, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var countCommand = dataSource.CreateCommand("select count(*) from registry.citizens"))
        {
            var existing = (long)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
            if (existing > 0 && !replace)
            {
                var enrolled = await EnrollMissingTemplatesAsync(dataSource, cancellationToken);
                AnsiConsole.MarkupLine($"The registry already holds [bold]{existing:N0}[/] citizens; templates enrolled for {enrolled:N0} card holder(s) that had none (use --replace to regenerate).");
                return 0;
            }
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Seeding {count:N0} citizens (seed {seed})", maxValue: count);
                await WriteAsync(dataSource, new PopulationGenerator(seed).Generate(count), replace, n => task.Increment(n), cancellationToken);
            });
        AnsiConsole.MarkupLine($"Seeded [bold]{count:N0}[/] citizens. Demo citizens:");
        var table = new Table().AddColumns("ID number", "Full name", "Date of birth", "Gender", "Phone");
        foreach (var c in PopulationGenerator.DemoCitizens)
            table.AddRow(c.IdNumber, Markup.Escape(c.FullName), c.DateOfBirth.ToString("yyyy-MM-dd"), c.Gender.ToString(), c.Phone ?? "-");
        AnsiConsole.Write(table);
        return 0;
    }

    public static async Task WriteAsync(NpgsqlDataSource dataSource, IEnumerable<CitizenRecord> citizens, bool replace,
        Action<int> progress, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (replace)
        {
            await using var truncate = new NpgsqlCommand("truncate registry.citizens, registry.biometrics", connection, transaction);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }
        var cardHolders = new List<string>();
        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy registry.citizens (id_number, full_name, date_of_birth, gender, birth_province, card_number, card_issued_on, phone, father_id, mother_id, card_expires_on) from stdin (format binary)",
            cancellationToken))
        {
            var pending = 0;
            foreach (var c in citizens)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(c.IdNumber, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(c.FullName, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(c.DateOfBirth, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync((short)c.Gender, NpgsqlDbType.Smallint, cancellationToken);
                await importer.WriteAsync(c.BirthProvince, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(importer, c.CardNumber, NpgsqlDbType.Text, cancellationToken);
                if (c.CardIssuedOn is { } issued) await importer.WriteAsync(issued, NpgsqlDbType.Date, cancellationToken);
                else await importer.WriteNullAsync(cancellationToken);
                await WriteNullableAsync(importer, c.Phone, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(importer, c.FatherId, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(importer, c.MotherId, NpgsqlDbType.Text, cancellationToken);
                if (c.CardValidUntil is { } expires) await importer.WriteAsync(expires, NpgsqlDbType.Date, cancellationToken);
                else await importer.WriteNullAsync(cancellationToken);
                if (c.CardIssuedOn is not null) cardHolders.Add(c.IdNumber);
                if (++pending == 10_000) { progress(pending); pending = 0; }
            }
            await importer.CompleteAsync(cancellationToken);
            progress(pending);
        }
        // Card holders have templates enrolled with their chip ID card.
        await WriteTemplatesAsync(connection, cardHolders, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("analyze registry.citizens, registry.biometrics", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Card holders seeded before templates were enrolled get theirs (a registry from an older version).</summary>
    public static async Task<int> EnrollMissingTemplatesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        await using (var query = dataSource.CreateCommand(
            "select c.id_number from registry.citizens c where c.card_issued_on is not null " +
            "and not exists (select 1 from registry.biometrics b where b.id_number = c.id_number)"))
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) missing.Add(reader.GetString(0));
        if (missing.Count == 0) return 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WriteTemplatesAsync(connection, missing, cancellationToken);
        return missing.Count;
    }

    private static async Task WriteTemplatesAsync(NpgsqlConnection connection, IEnumerable<string> cardHolders, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "copy registry.biometrics (id_number, portrait, fingerprint) from stdin (format binary)", cancellationToken);
        foreach (var id in cardHolders)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(id, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(BiometricTemplates.Enrolled(id, Modality.Portrait), NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(BiometricTemplates.Enrolled(id, Modality.Fingerprint), NpgsqlDbType.Bytea, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
