using Orleans.Storage;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Events;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Storage;

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
    SecretSealer sealer) : IAccountCommits
{
    public bool EventsCommitWithState => true;

    public Task LoadAsync(GrainId account, IGrainState<AccountState> record) => reads.ReadStateAsync(StoredAccountCommits.StateName, account, record);

    public async Task CommitAsync(GrainId account, IGrainState<AccountState> record, IReadOnlyList<AccountEvent> announced)
    {
        var hasher = hashers.PickHasher(serviceId, providerName, StoredAccountCommits.StateName, account, record, null)
            ?? throw new InvalidOperationException("The ADO.NET storage options pick no hasher.");
        var row = RowIdentity.Of(serviceId, StoredAccountCommits.StateName, account, hasher);
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
