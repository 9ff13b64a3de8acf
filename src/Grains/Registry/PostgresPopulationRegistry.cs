using Npgsql;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Registry;

/// <summary>Reads <c>registry.citizens</c> and, for foreigners, <c>immigration.foreigners</c>.</summary>
public sealed class PostgresPopulationRegistry(NpgsqlDataSource dataSource) : IPopulationRegistry
{
    private const string Columns =
        "select id_number, full_name, date_of_birth, gender, birth_province, card_number, card_issued_on, phone, father_id, mother_id, " +
        "card_expires_on, card_reported_lost_on from registry.citizens ";

    private const string ForeignerColumns =
        "select document_key, full_name, date_of_birth, gender, '', document_number, document_issued_on, phone, null, null, " +
        "document_expires_on, null, nationality from immigration.foreigners where document_key = $1";

    public async Task<CitizenRecord?> FindAsync(IdentityNumber id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(id.IsCitizen ? Columns + "where id_number = $1" : ForeignerColumns);
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<CitizenRecord>> FindChildrenAsync(PersonalIdNumber parent, CancellationToken cancellationToken = default)
    {
        // Two index look-ups (citizens_father, citizens_mother).
        await using var command = dataSource.CreateCommand(Columns + "where father_id = $1 union all " + Columns + "where mother_id = $1 and father_id is distinct from $1");
        command.Parameters.AddWithValue(parent.Value);
        var children = new List<CitizenRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) children.Add(Read(reader));
        return children;
    }

    private static CitizenRecord Read(NpgsqlDataReader reader) => new(
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
        reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11),
        reader.FieldCount > 12 ? reader.GetString(12) : null);

    public async Task<EnrolledBiometrics?> FindBiometricsAsync(IdentityNumber id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(id.IsCitizen
            ? "select portrait, fingerprint from registry.biometrics where id_number = $1"
            : "select portrait, fingerprint from immigration.biometrics where document_key = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new EnrolledBiometrics(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }

    public async Task<Accounts.ChipRead?> FindChipAsync(PersonalIdNumber id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select dg1, dg13, sod from registry.chips where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Accounts.ChipRead(reader.GetFieldValue<byte[]>(2),
            new Dictionary<int, byte[]> { [Chips.ChipHolder.Mrz] = reader.GetFieldValue<byte[]>(0), [Chips.ChipHolder.NationalData] = reader.GetFieldValue<byte[]>(1) });
    }
}
