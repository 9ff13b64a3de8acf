using Npgsql;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Registry;

/// <summary>
/// Reads <c>registry.citizens</c> and, for foreigners, <c>immigration.foreigners</c>. With <see cref="Storage.GroupCommitOptions"/>
/// on (the silos), look-ups of citizens by ID number in flight at once are gathered into one query (<c>id_number = any($1)</c>,
/// at most <c>MaxBatch</c> numbers): one round trip and one pooled connection for many declarations (issue 15).
/// </summary>
public sealed class PostgresPopulationRegistry(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<Storage.GroupCommitOptions>? gathering = null)
    : IPopulationRegistry
{
    private readonly int _maxGathered = gathering?.Value is { Enabled: true, GatherRegistryLookups: true } o ? o.MaxBatch : 0;
    private readonly System.Threading.Channels.Channel<(string Id, TaskCompletionSource<CitizenRecord?> Done)> _lookups =
        System.Threading.Channels.Channel.CreateUnbounded<(string, TaskCompletionSource<CitizenRecord?>)>();
    private Task? _gatherer;

    private const string Columns =
        "select id_number, full_name, date_of_birth, gender, birth_province, card_number, card_issued_on, phone, father_id, mother_id, " +
        "card_expires_on, card_reported_lost_on from registry.citizens ";

    private const string ForeignerColumns =
        "select document_key, full_name, date_of_birth, gender, '', document_number, document_issued_on, phone, null, null, " +
        "document_expires_on, null, nationality from immigration.foreigners where document_key = $1";

    public async Task<CitizenRecord?> FindAsync(IdentityNumber id, CancellationToken cancellationToken = default)
    {
        if (_maxGathered > 0 && id.IsCitizen)
        {
            var done = new TaskCompletionSource<CitizenRecord?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _lookups.Writer.TryWrite((id.Value, done));
            // The one gathering loop starts with the first look-up, on the thread pool (never on a grain's scheduler).
            if (Volatile.Read(ref _gatherer) is null)
            {
                var loop = new Task<Task>(GatherAsync);
                if (Interlocked.CompareExchange(ref _gatherer, loop.Unwrap(), null) is null) loop.Start(TaskScheduler.Default);
            }
            return await done.Task.WaitAsync(cancellationToken);
        }
        await using var command = dataSource.CreateCommand(id.IsCitizen ? Columns + "where id_number = $1" : ForeignerColumns);
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>One query for the look-ups waiting, then the next; every waiting caller is answered, a failure fails them all.</summary>
    private async Task GatherAsync()
    {
        var batch = new List<(string Id, TaskCompletionSource<CitizenRecord?> Done)>(_maxGathered);
        while (await _lookups.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxGathered && _lookups.Reader.TryRead(out var lookup)) batch.Add(lookup);
            if (batch.Count == 0) continue;
            try
            {
                var found = new Dictionary<string, CitizenRecord>(batch.Count, StringComparer.Ordinal);
                await using (var command = dataSource.CreateCommand(Columns + "where id_number = any($1)"))
                {
                    command.Parameters.AddWithValue(batch.Select(b => b.Id).Distinct().ToArray());
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        var citizen = Read(reader);
                        found[citizen.IdNumber] = citizen;
                    }
                }
                foreach (var (id, done) in batch) done.TrySetResult(found.GetValueOrDefault(id));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
        }
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

    public async Task<Accounts.ChipRead?> ReadChipAsync(PersonalIdNumber id, byte[] challenge, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select dg1, dg13, sod, dg15, chip_key from registry.chips where id_number = $1");
        command.Parameters.AddWithValue(id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(3) || reader.IsDBNull(4)) return null;
        return new Accounts.ChipRead(reader.GetFieldValue<byte[]>(2),
            new Dictionary<int, byte[]>
            {
                [Chips.ChipHolder.Mrz] = reader.GetFieldValue<byte[]>(0), [Chips.ChipHolder.NationalData] = reader.GetFieldValue<byte[]>(1),
                [Chips.ActiveAuthentication.DataGroup] = reader.GetFieldValue<byte[]>(3),
            },
            challenge, Chips.ActiveAuthentication.Sign(reader.GetFieldValue<byte[]>(4), challenge));
    }
}
