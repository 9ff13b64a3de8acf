using Npgsql;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Registry;

/// <summary>Reads <c>registry.citizens</c>.</summary>
public sealed class PostgresPopulationRegistry(NpgsqlDataSource dataSource) : IPopulationRegistry
{
    public async Task<CitizenRecord?> FindAsync(PersonalIdNumber id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select id_number, full_name, date_of_birth, gender, birth_province, card_number, card_issued_on, phone, father_id, mother_id, " +
            "card_expires_on, card_reported_lost_on " +
            "from registry.citizens where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new CitizenRecord(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetFieldValue<DateOnly>(2),
            (Gender)reader.GetInt16(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11));
    }

    public async Task<EnrolledBiometrics?> FindBiometricsAsync(PersonalIdNumber id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select portrait, fingerprint from registry.biometrics where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new EnrolledBiometrics(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }
}
