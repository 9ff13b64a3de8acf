using Npgsql;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Grains.Registry;

/// <summary>
/// Reads <c>registry.citizens</c> and, for foreigners, <c>immigration.foreigners</c>. With <see cref="Storage.GroupCommitOptions"/>
/// on (the silos), look-ups of citizens by ID number in flight at once are gathered into one query (<c>id_number = any($1)</c>,
/// at most <c>MaxBatch</c> numbers): one round trip and one pooled connection for many declarations (issue 15).
/// </summary>
public sealed class PostgresPopulationRegistry(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<Storage.GroupCommitOptions>? gathering = null)
    : IPopulationRegistry
{
    private readonly Storage.Gatherer<string, CitizenRecord>? _gathered =
        gathering?.Value is { Enabled: true, GatherRegistryLookups: true } o ? new(o.MaxBatch, ids => FindAllAsync(dataSource, ids)) : null;

    private const string Columns =
        "select id_number, full_name, date_of_birth, gender, birth_province, card_number, card_issued_on, phone, father_id, mother_id, " +
        "card_expires_on, card_reported_lost_on from registry.citizens ";

    private const string ForeignerColumns =
        "select document_key, full_name, date_of_birth, gender, '', document_number, document_issued_on, phone, null, null, " +
        "document_expires_on, null, nationality, coalesce(person_id, document_key) from immigration.foreigners ";

    public async Task<CitizenRecord?> FindAsync(IdentityNumber id, CancellationToken cancellationToken = default)
    {
        if (_gathered is not null && id.IsCitizen) return await _gathered.GetAsync(id.Value, cancellationToken);
        await using var command = dataSource.CreateCommand(id.IsCitizen ? Columns + "where id_number = $1" : ForeignerColumns + "where document_key = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The citizens of <paramref name="ids"/> in one query (the gathered look-ups).</summary>
    private static async Task<IReadOnlyDictionary<string, CitizenRecord>> FindAllAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> ids)
    {
        var found = new Dictionary<string, CitizenRecord>(ids.Count, StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(Columns + "where id_number = any($1)");
        command.Parameters.AddWithValue(ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var citizen = Read(reader);
            found[citizen.IdNumber] = citizen;
        }
        return found;
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
        reader.FieldCount > 12 ? reader.GetString(12) : null,
        reader.FieldCount > 13 ? reader.GetString(13) : null);

    public async Task<CitizenRecord?> FindCurrentPassportAsync(string personId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ForeignerColumns +
            "where coalesce(person_id, document_key) = $1 order by document_issued_on desc, document_expires_on desc limit 1");
        command.Parameters.AddWithValue(personId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

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

    public async Task<EnrolledBiometrics?> SimulatedPersonAsync(IdentityNumber id, CancellationToken cancellationToken = default)
    {
        var enrolled = await FindBiometricsAsync(id, cancellationToken);
        if (enrolled is not null || !id.IsCitizen) return enrolled;
        await using var command = dataSource.CreateCommand("select portrait, fingerprint from registry.simulated_people where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new EnrolledBiometrics(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }

    public async Task<Orleans.VNeID.Accounts.ChipRead?> ReadChipAsync(PersonalIdNumber id, byte[] challenge, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select dg1, dg13, sod, dg15, chip_key from registry.chips where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(3) || reader.IsDBNull(4)) return null;
        return new Orleans.VNeID.Accounts.ChipRead(reader.GetFieldValue<byte[]>(2),
            new Dictionary<int, byte[]>
            {
                [Chips.ChipHolder.Mrz] = reader.GetFieldValue<byte[]>(0), [Chips.ChipHolder.NationalData] = reader.GetFieldValue<byte[]>(1),
                [Chips.ActiveAuthentication.DataGroup] = reader.GetFieldValue<byte[]>(3),
            },
            challenge, Chips.ActiveAuthentication.Sign(reader.GetFieldValue<byte[]>(4), challenge));
    }
}
