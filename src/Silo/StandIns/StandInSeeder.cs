using Npgsql;
using NpgsqlTypes;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Grains.Registry;
using Spectre.Console;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// Fills the registers' stand-ins (population, ID cards and chips, immigration, papers, business register) with a
/// generated population, with binary COPY, showing progress. The agencies' acts on them are beside it (a card issued, a
/// passport renewed).
/// </summary>
internal static class StandInSeeder
{
    public static async Task<int> RunAsync(string connectionString, int count, int seed, bool replace, int chips, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var countCommand = dataSource.CreateCommand("select count(*) from registry.citizens"))
        {
            var existing = (long)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
            if (existing > 0 && !replace)
            {
                var enrolled = await EnrollMissingTemplatesAsync(dataSource, cancellationToken);
                AnsiConsole.MarkupLine($"The registry already holds [bold]{existing:N0}[/] citizens; templates enrolled for {enrolled:N0} card holder(s) that had none (use --replace to regenerate).");
                await IssueChipsAsync(dataSource, chips, cancellationToken);
                await SeedForeignersAsync(dataSource, count, seed, replace, cancellationToken);
                await SeedPapersAsync(dataSource, cancellationToken);
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
        await IssueChipsAsync(dataSource, chips, cancellationToken);
        await SeedForeignersAsync(dataSource, count, seed, replace, cancellationToken);
        await SeedPapersAsync(dataSource, cancellationToken);
        return 0;
    }

    private static async Task SeedPapersAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var papers = await DocumentRegisterSeeder.SeedAsync(dataSource, [.. PopulationGenerator.DemoCitizens.Select(c => c.IdNumber)], cancellationToken);
        AnsiConsole.MarkupLine($"The papers' registers (driving licences, vehicles, social and health insurance) hold [bold]{papers:N0}[/] papers.");
        var organisations = await OrganisationRegisterSeeder.SeedAsync(dataSource, cancellationToken);
        AnsiConsole.MarkupLine($"The business register holds [bold]{organisations:N0}[/] organisations; demo: " +
                               string.Join(", ", OrganisationRegisterSeeder.Demo.Select(o => $"{o.Identifier} {Markup.Escape(o.Name)} (representative {o.Representative})")) + ".");
    }

    private static async Task IssueChipsAsync(NpgsqlDataSource dataSource, int limit, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var issued = await ChipSeeder.IssueMissingAsync(dataSource, limit, cancellationToken);
        AnsiConsole.MarkupLine($"Chips written for [bold]{issued:N0}[/] card holder(s), signed under the Development country signing CA ({started.Elapsed.TotalSeconds:F1} s).");
    }

    /// <summary>How many foreigners the immigration stand-in holds for a population of <paramref name="citizens"/>.</summary>
    public static int ForeignersFor(int citizens) => Math.Max(PopulationGenerator.DemoForeigners.Count + 100, citizens / 500);

    /// <summary>Fills the immigration stand-in when it is empty (or replaced): foreigners and the templates taken at entry.</summary>
    private static async Task SeedForeignersAsync(NpgsqlDataSource dataSource, int citizens, int seed, bool replace, CancellationToken cancellationToken)
    {
        await using (var countCommand = dataSource.CreateCommand("select count(*) from immigration.foreigners"))
        {
            var existing = (long)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
            if (existing > 0 && !replace)
            {
                AnsiConsole.MarkupLine($"The immigration registry already holds [bold]{existing:N0}[/] foreigners.");
                return;
            }
        }
        var count = ForeignersFor(citizens);
        await WriteForeignersAsync(dataSource, PopulationGenerator.GenerateForeigners(count, seed), replace, cancellationToken);
        AnsiConsole.MarkupLine($"Seeded [bold]{count:N0}[/] foreigners in the immigration registry. Demo foreigners:");
        var table = new Table().AddColumns("Passport (account key)", "Full name", "Date of birth", "Gender", "Nationality", "Passport expires", "Phone");
        foreach (var f in PopulationGenerator.DemoForeigners)
            table.AddRow(f.IdNumber, Markup.Escape(f.FullName), f.DateOfBirth.ToString("yyyy-MM-dd"), f.Gender.ToString(), f.Nationality!,
                f.CardExpiresOn!.Value.ToString("yyyy-MM-dd"), f.Phone ?? "-");
        AnsiConsole.Write(table);
    }

    public static async Task WriteForeignersAsync(NpgsqlDataSource dataSource, IEnumerable<CitizenRecord> foreigners, bool replace,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (replace)
        {
            await using var truncate = new NpgsqlCommand("truncate immigration.biometrics, immigration.foreigners", connection, transaction);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }
        var keys = new List<string>();
        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy immigration.foreigners (document_key, issuing_country, document_number, nationality, full_name, date_of_birth, gender, " +
            "document_issued_on, document_expires_on, phone) from stdin (format binary)", cancellationToken))
        {
            foreach (var f in foreigners)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(f.IdNumber, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(f.IdNumber[..3], NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(f.CardNumber!, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(f.Nationality!, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(f.FullName, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(f.DateOfBirth, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync((short)f.Gender, NpgsqlDbType.Smallint, cancellationToken);
                await importer.WriteAsync(f.CardIssuedOn!.Value, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync(f.CardExpiresOn!.Value, NpgsqlDbType.Date, cancellationToken);
                await WriteNullableAsync(importer, f.Phone, NpgsqlDbType.Text, cancellationToken);
                keys.Add(f.IdNumber);
            }
            await importer.CompleteAsync(cancellationToken);
        }
        await WriteTemplatesAsync(connection, "immigration.biometrics (document_key", keys, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task WriteAsync(NpgsqlDataSource dataSource, IEnumerable<CitizenRecord> citizens, bool replace,
        Action<int> progress, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (replace)
        {
            await using var truncate = new NpgsqlCommand("truncate registry.citizens, registry.biometrics, registry.simulated_people, registry.chips", connection, transaction);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }
        var cardHolders = new List<string>();
        var withoutCard = new List<string>();
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
                else withoutCard.Add(c.IdNumber);
                if (++pending == 10_000) { progress(pending); pending = 0; }
            }
            await importer.CompleteAsync(cancellationToken);
            progress(pending);
        }
        // Card holders have templates enrolled with their chip ID card; the others' features wait for their card.
        await WriteTemplatesAsync(connection, "registry.biometrics (id_number", cardHolders, cancellationToken);
        await WriteTemplatesAsync(connection, "registry.simulated_people (id_number", withoutCard, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("analyze registry.citizens, registry.biometrics", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A registry from an older version: card holders and foreigners without templates get random ones (the derived ones
    /// were dropped by migration 014), and people without a card get their simulated features.
    /// </summary>
    public static async Task<int> EnrollMissingTemplatesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        var missing = await KeysAsync(dataSource, "select c.id_number from registry.citizens c where c.card_issued_on is not null " +
            "and not exists (select 1 from registry.biometrics b where b.id_number = c.id_number)", cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WriteTemplatesAsync(connection, "registry.biometrics (id_number", missing, cancellationToken);
        var people = await KeysAsync(dataSource, "select c.id_number from registry.citizens c where c.card_issued_on is null " +
            "and not exists (select 1 from registry.simulated_people p where p.id_number = c.id_number)", cancellationToken);
        await WriteTemplatesAsync(connection, "registry.simulated_people (id_number", people, cancellationToken);
        var foreigners = await KeysAsync(dataSource, "select f.document_key from immigration.foreigners f " +
            "where not exists (select 1 from immigration.biometrics b where b.document_key = f.document_key)", cancellationToken);
        await WriteTemplatesAsync(connection, "immigration.biometrics (document_key", foreigners, cancellationToken);
        return missing.Count + foreigners.Count;
    }

    private static async Task<List<string>> KeysAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using var query = dataSource.CreateCommand(sql);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>Each person's features drawn at random (<see cref="BiometricTemplates.NewPerson"/>): nothing follows from the ID number.</summary>
    private static async Task WriteTemplatesAsync(NpgsqlConnection connection, string tableAndKey, IEnumerable<string> people, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {tableAndKey}, portrait, fingerprint) from stdin (format binary)", cancellationToken);
        foreach (var id in people)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(id, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(BiometricTemplates.NewPerson(), NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(BiometricTemplates.NewPerson(), NpgsqlDbType.Bytea, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
