using Npgsql;
using NpgsqlTypes;
using Orleans.VNeID.Grains.Chips;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// Development's chip personalisation: every card holder without chip data gets the chip of the card on record, signed
/// by a document signer of the Development country signing CA (<c>config/dev-chip-ca/</c>, public key pair: such chips
/// are trusted only where that CA is configured, which only Development does).
/// </summary>
internal static class ChipSeeder
{
    public static string CertificatePath => Path.Combine(ConfigDirectory.Locate(), "dev-chip-ca", "csca.crt");
    public static string KeyPath => Path.Combine(ConfigDirectory.Locate(), "dev-chip-ca", "csca.key");

    /// <summary>The simulated production centre, or null when the Development CA is not in <c>config/</c>.</summary>
    public static SimulatedChipIssuer? Issuer() =>
        File.Exists(CertificatePath) && File.Exists(KeyPath)
            ? new SimulatedChipIssuer(SimulatedChipIssuer.LoadCountrySigningCa(CertificatePath, KeyPath))
            : null;

    /// <summary>Issues the chips card holders lack (at most <paramref name="limit"/>, demo citizens first); the count written.</summary>
    public static async Task<int> IssueMissingAsync(NpgsqlDataSource dataSource, int limit, CancellationToken cancellationToken = default)
    {
        using var issuer = Issuer();
        if (issuer is null || limit <= 0) return 0;
        var holders = new List<CitizenRecord>();
        await using (var query = dataSource.CreateCommand(
            "select c.id_number, c.full_name, c.date_of_birth, c.gender, c.card_number, c.card_issued_on, c.card_expires_on from registry.citizens c " +
            "where c.card_number is not null and c.card_issued_on is not null and not exists (select 1 from registry.chips h where h.id_number = c.id_number) " +
            "order by c.id_number = any($1) desc limit $2"))
        {
            query.Parameters.AddWithValue(PopulationGenerator.DemoCitizens.Select(c => c.IdNumber).ToArray());
            query.Parameters.AddWithValue(limit);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                holders.Add(new CitizenRecord(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), (Gender)reader.GetInt16(3), "",
                    reader.GetString(4), reader.GetFieldValue<DateOnly>(5), null, null, null,
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6)));
            }
        }
        if (holders.Count == 0) return 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync("copy registry.chips (id_number, dg1, dg13, sod, dg15, chip_key) from stdin (format binary)", cancellationToken);
        foreach (var holder in holders) await WriteAsync(importer, holder.IdNumber, issuer.Personalise(holder), cancellationToken);
        await importer.CompleteAsync(cancellationToken);
        return holders.Count;
    }

    /// <summary>Replaces one citizen's chip (a new card was issued), inside the caller's transaction.</summary>
    public static async Task ReplaceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CitizenRecord holder, CancellationToken cancellationToken)
    {
        using var issuer = Issuer();
        if (issuer is null) return;
        var (chip, chipKey) = issuer.Personalise(holder);
        await using var upsert = new NpgsqlCommand(
            "insert into registry.chips (id_number, dg1, dg13, sod, dg15, chip_key) values ($1, $2, $3, $4, $5, $6) " +
            "on conflict (id_number) do update set dg1 = excluded.dg1, dg13 = excluded.dg13, sod = excluded.sod, dg15 = excluded.dg15, " +
            "chip_key = excluded.chip_key", connection, transaction);
        upsert.Parameters.AddWithValue(holder.IdNumber);
        upsert.Parameters.AddWithValue(chip.DataGroups[ChipHolder.Mrz]);
        upsert.Parameters.AddWithValue(chip.DataGroups[ChipHolder.NationalData]);
        upsert.Parameters.AddWithValue(chip.SecurityObject);
        upsert.Parameters.AddWithValue(chip.DataGroups[ActiveAuthentication.DataGroup]);
        upsert.Parameters.AddWithValue(chipKey);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter importer, string id, (Accounts.ChipRead Chip, byte[] Key) issued, CancellationToken cancellationToken)
    {
        var chip = issued.Chip;
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(id, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(chip.DataGroups[ChipHolder.Mrz], NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(chip.DataGroups[ChipHolder.NationalData], NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(chip.SecurityObject, NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(chip.DataGroups[ActiveAuthentication.DataGroup], NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(issued.Key, NpgsqlDbType.Bytea, cancellationToken);
    }
}
