using Orleans.Storage;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Events;
using Orleans.VNeID.Grains.Events;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>
/// The account-commit port (issue 32): the one way a citizen account's state and what it announced become durable. The
/// account grain loads its state here and hands each command's new state and events here by name; nothing in the storage
/// layer recognises an account or renders a message.
/// </summary>
public interface IAccountCommits
{
    /// <summary>
    /// Whether <see cref="CommitAsync"/> stores the events themselves (audit entries, messages, logouts owed and the
    /// account-events stream) in the state's transaction. When false the grain keeps them in its state (its own outbox)
    /// and has the dispatcher deliver them after the commit.
    /// </summary>
    bool EventsCommitWithState { get; }

    /// <summary>Fills <paramref name="record"/> with the stored state, its version and whether it exists.</summary>
    Task LoadAsync(GrainId account, IGrainState<AccountState> record);

    /// <summary>
    /// Stores <paramref name="record"/>'s state, and with it <paramref name="events"/> when <see cref="EventsCommitWithState"/>
    /// (otherwise it must be empty), in one transaction; sets the new version. A stale version throws
    /// <see cref="InconsistentStateException"/> and stores nothing.
    /// </summary>
    Task CommitAsync(GrainId account, IGrainState<AccountState> record, IReadOnlyList<AccountEvent> events);
}

/// <summary>
/// The account-events stream's queue as rows the stream's readers lease: one message per stream for the events of one
/// transaction, added to that transaction (the silo's implementation writes the ADO.NET stream provider's table).
/// </summary>
public interface IAccountEventQueue
{
    /// <summary>Adds to <paramref name="batch"/> one statement enqueuing <paramref name="events"/> (in order per account).</summary>
    void AddTo(Npgsql.NpgsqlBatch batch, IReadOnlyList<PublishedAccountEvent> events);
}

/// <summary>
/// The port over any grain storage (the grain tests' memory, shards apart from the audit trail and the outbox, group
/// commit switched off): the state alone is committed, the events travel inside it and are delivered afterwards.
/// </summary>
public sealed class StoredAccountCommits(IGrainStorage storage) : IAccountCommits
{
    public const string StateName = "account";

    public bool EventsCommitWithState => false;

    public Task LoadAsync(GrainId account, IGrainState<AccountState> record) => storage.ReadStateAsync(StateName, account, record);

    public Task CommitAsync(GrainId account, IGrainState<AccountState> record, IReadOnlyList<AccountEvent> events)
    {
        if (events.Count > 0) throw new ArgumentException("This port keeps events in the state; deliver them after the commit.", nameof(events));
        return storage.WriteStateAsync(StateName, account, record);
    }
}

/// <summary>
/// The port on one PostgreSQL database (the default): the account's row in <c>orleans.storage</c>, its events' audit
/// entries, SMS and e-mail in the outbox, back-channel logouts owed and its stream message all go into the group commit's
/// shared transaction (<see cref="GroupCommitWriter"/>), so the command is answered after one commit shared with the
/// other commands in flight and nothing is left to deliver. The row is the one Orleans' ADO.NET storage reads, which
/// still serves the loads.
/// </summary>
public sealed class GroupAccountCommits(
    IGrainStorage reads,
    GroupCommitWriter writer,
    IGrainStorageSerializer serializer,
    IStorageHasherPicker hashers,
    string serviceId,
    string providerName,
    AccountEventWriter events,
    SecretSealer sealer,
    Npgsql.NpgsqlDataSource? database = null,
    int gatherLoads = 0) : IAccountCommits
{
    private const string LoadSql = """
        select k.i, s.payload_binary, s.version
          from unnest($2::bigint[], $3::bigint[], $4::text[]) with ordinality as k(n0, n1, extension, i)
          join orleans.storage s on s.grain_id_n1 = k.n1 and s.grain_id_n0 = k.n0 and s.grain_type_string = $5
                                and s.grain_id_extension_string = k.extension and s.service_id = $1
        """;

    /// <summary>Loads of accounts activating at once, one query for up to <c>gatherLoads</c> of them (brand-new accounts mostly find no row).</summary>
    private readonly Gatherer<RowIdentity, (byte[]? Payload, int Version)>? _loads =
        database is not null && gatherLoads > 0 ? new(gatherLoads, rows => LoadAllAsync(database, serviceId, rows)) : null;

    public bool EventsCommitWithState => true;

    public async Task LoadAsync(GrainId account, IGrainState<AccountState> record)
    {
        if (_loads is null)
        {
            await reads.ReadStateAsync(StoredAccountCommits.StateName, account, record);
            return;
        }
        (byte[]? Payload, int Version) stored;
        try
        {
            stored = await _loads.GetAsync(RowOf(account, record));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // As the ADO.NET storage's reads are wrapped (UnavailableAwareStorage): only the kind crosses the wire.
            throw new Platform.PlatformUnavailableException($"The platform's database did not answer ({ex.GetType().Name}).");
        }
        // As Orleans' ADO.NET storage reads a row: none is a new state; a cleared one (no payload) keeps its version.
        record.State = stored.Payload is { } payload ? serializer.Deserialize<AccountState>(new BinaryData(payload)) : new AccountState();
        record.ETag = stored == default ? null : stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        record.RecordExists = stored.Payload is not null;
    }

    private RowIdentity RowOf(GrainId account, IGrainState<AccountState> record)
    {
        var hasher = hashers.PickHasher(serviceId, providerName, StoredAccountCommits.StateName, account, record, null)
            ?? throw new InvalidOperationException("The ADO.NET storage options pick no hasher.");
        return RowIdentity.Of(serviceId, StoredAccountCommits.StateName, account, hasher);
    }

    private static async Task<IReadOnlyDictionary<RowIdentity, (byte[]? Payload, int Version)>> LoadAllAsync(
        Npgsql.NpgsqlDataSource database, string serviceId, IReadOnlyList<RowIdentity> rows)
    {
        var found = new Dictionary<RowIdentity, (byte[]?, int)>(rows.Count);
        await using var command = database.CreateCommand(LoadSql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.N0).ToArray() });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.N1).ToArray() });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Extension).ToArray() });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = StoredAccountCommits.StateName });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found[rows[(int)reader.GetInt64(0) - 1]] = (reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetInt32(2));
        return found;
    }

    public async Task CommitAsync(GrainId account, IGrainState<AccountState> record, IReadOnlyList<AccountEvent> announced)
    {
        var row = RowOf(account, record);
        int? expected = string.IsNullOrWhiteSpace(record.ETag) ? null : int.Parse(record.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var payload = serializer.Serialize(record.State).ToArray();
        var version = await writer.WriteAsync(new StateWrite(row, payload, expected, Alongside(announced),
            announced.Count == 0 ? [] : announced.Select(PublishedAccountEvent.Of).ToArray()));
        if (version is null)
            throw new InconsistentStateException($"Version conflict (account commit): GrainId={account} ETag={record.ETag}.");
        record.ETag = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        record.RecordExists = true;
        foreach (var evt in announced)
            Platform.PlatformMetrics.AccountEvents.Add(1, new KeyValuePair<string, object?>("kind", evt.Kind.ToString()));
    }

    /// <summary>Each event's audit entry, messages and logouts owed, in order, into the write's transaction.</summary>
    private Action<Npgsql.NpgsqlBatch>? Alongside(IReadOnlyList<AccountEvent> announced)
    {
        if (announced.Count == 0) return null;
        var rendered = announced.Select(evt => (evt, EventMessages.Render(evt, sealer))).ToArray();
        return batch =>
        {
            foreach (var (evt, messages) in rendered) events.AddTo(batch, evt, messages);
        };
    }
}
