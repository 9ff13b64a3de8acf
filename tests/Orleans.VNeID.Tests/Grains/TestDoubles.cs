using System.Collections.Concurrent;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Tests.Grains;

/// <summary>The papers' issuing registers as a dictionary: a test registers the papers its citizens hold.</summary>
public sealed class InMemoryDocumentRegisters : IDocumentRegisters
{
    private readonly ConcurrentDictionary<(Orleans.VNeID.Dossiers.DocumentKind, string), RegisterRecord> _papers = new();

    public RegisterRecord Add(RegisterRecord record) => _papers[(record.Kind, record.Number)] = record;

    /// <summary>A valid paper of <paramref name="holder"/> (issued 2024, valid ten years), or one revoked.</summary>
    public RegisterRecord Register(string holder, Orleans.VNeID.Dossiers.DocumentKind kind, string number, bool revoked = false) =>
        Add(new RegisterRecord(kind, number, holder, "Sở Giao thông vận tải Hà Nội", new DateOnly(2024, 1, 1), new DateOnly(2034, 1, 1),
            revoked ? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) : null));

    public Task<RegisterRecord?> FindAsync(Orleans.VNeID.Dossiers.DocumentKind kind, string number, CancellationToken cancellationToken = default) =>
        Task.FromResult(_papers.GetValueOrDefault((kind, number)));
}

/// <summary>The business register as a dictionary: a test registers its organisations and changes their representative.</summary>
public sealed class InMemoryOrganisationRegister : Orleans.VNeID.Grains.Organisations.IOrganisationRegister
{
    private readonly ConcurrentDictionary<string, Orleans.VNeID.Grains.Organisations.RegisteredOrganisation> _organisations = new();
    private static int _serial;

    /// <summary>A new operating enterprise represented by <paramref name="representative"/>.</summary>
    public Orleans.VNeID.Grains.Organisations.RegisteredOrganisation Add(string representative)
    {
        var identifier = $"09{Interlocked.Increment(ref _serial) + 10_000_000:D8}";
        return _organisations[identifier] = new(identifier, $"Công ty TNHH Thử nghiệm {identifier[^4..]}", $"Test {identifier[^4..]} Company Limited",
            "enterprise", "1 Lê Duẩn, Hà Nội", representative, "operating", identifier, new DateOnly(2020, 1, 1), "Phòng Đăng ký kinh doanh");
    }

    public void Change(string identifier, Func<Orleans.VNeID.Grains.Organisations.RegisteredOrganisation, Orleans.VNeID.Grains.Organisations.RegisteredOrganisation> change) =>
        _organisations[identifier] = change(_organisations[identifier]);

    public Task<Orleans.VNeID.Grains.Organisations.RegisteredOrganisation?> FindAsync(string identifier, CancellationToken cancellationToken = default) =>
        Task.FromResult(_organisations.GetValueOrDefault(identifier));

    public Task<IReadOnlyList<string>> RepresentedByAsync(string idNumber, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_organisations.Values.Where(o => o.RepresentativeId == idNumber).Select(o => o.Identifier).Order().ToArray());
}

/// <summary>The population registry as a dictionary.</summary>
public sealed class InMemoryPopulationRegistry : IPopulationRegistry
{
    private readonly ConcurrentDictionary<string, CitizenRecord> _citizens = new();
    private readonly ConcurrentDictionary<string, bool> _down = new();

    public void Add(CitizenRecord citizen) => _citizens[citizen.IdNumber] = citizen;

    /// <summary>The ID-card production centre issued the citizen's chip card (its templates are then enrolled).</summary>
    public void IssueCard(string idNumber) =>
        _citizens[idNumber] = _citizens[idNumber] with { CardNumber = idNumber, CardIssuedOn = new DateOnly(2026, 11, 30), CardExpiresOn = null, CardReportedLostOn = null };

    /// <summary>Look-ups of this citizen fail as a lost database connection would.</summary>
    public void FailFor(string idNumber) => _down[idNumber] = true;

    public Task<CitizenRecord?> FindAsync(IdentityNumber id, CancellationToken cancellationToken = default) =>
        _down.ContainsKey(id.Value)
            ? throw new DatabaseDownException()
            : Task.FromResult(_citizens.GetValueOrDefault(id.Value));

    public Task<CitizenRecord?> FindCurrentPassportAsync(string personId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_citizens.Values.Where(c => c.Nationality is not null && (c.PersonId ?? c.IdNumber) == personId)
            .OrderByDescending(c => c.CardIssuedOn).FirstOrDefault());

    public Task<IReadOnlyList<CitizenRecord>> FindChildrenAsync(PersonalIdNumber parent, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CitizenRecord>>(_citizens.Values.Where(c => c.FatherId == parent.Value || c.MotherId == parent.Value).ToList());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EnrolledBiometrics> _people = new();

    /// <summary>What a person looks like: features drawn at random once per person (enrolled with their card, if any).</summary>
    public EnrolledBiometrics Person(string idNumber) =>
        _people.GetOrAdd(idNumber, _ => new EnrolledBiometrics(Orleans.VNeID.Grains.Biometrics.BiometricTemplates.NewPerson(), Orleans.VNeID.Grains.Biometrics.BiometricTemplates.NewPerson()));

    /// <summary>One modality of a person's features.</summary>
    public byte[] Template(string idNumber, Orleans.VNeID.Grains.Biometrics.Modality modality) =>
        modality == Orleans.VNeID.Grains.Biometrics.Modality.Portrait ? Person(idNumber).Portrait : Person(idNumber).Fingerprint;

    public Task<EnrolledBiometrics?> FindBiometricsAsync(IdentityNumber id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_citizens.TryGetValue(id.Value, out var c) && c.CardIssuedOn is not null ? Person(id.Value) : null);

    public Task<EnrolledBiometrics?> SimulatedPersonAsync(IdentityNumber id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_citizens.ContainsKey(id.Value) ? Person(id.Value) : null);


    /// <summary>The card's chip answering the challenge (the fixture's simulated production centre); null: no chips.</summary>
    public Func<CitizenRecord, byte[], ChipRead>? ChipReader { get; set; }

    public Task<ChipRead?> ReadChipAsync(PersonalIdNumber id, byte[] challenge, CancellationToken cancellationToken = default) =>
        Task.FromResult(ChipReader is { } read && _citizens.TryGetValue(id.Value, out var c) && c.CardNumber is not null ? read(c, challenge) : null);

    private sealed class DatabaseDownException() : System.Data.Common.DbException("connection refused");
}

/// <summary>Records what would leave the platform; de-duplicates on the message id like the outbox does.</summary>
public sealed class RecordingSender : INotificationSender, ISentMessageReader, IDatabaseProbe
{
    private readonly ConcurrentDictionary<string, OutboundMessage> _messages = new();
    private readonly ConcurrentDictionary<string, int> _failuresToInject = new();

    public IReadOnlyList<OutboundMessage> To(string recipient) =>
        _messages.Values.Where(m => m.Recipient == recipient)
            .OrderBy(m => m.AccountId, StringComparer.Ordinal).ThenBy(m => m.CreatedAt)
            // An account's messages are "{account}:{sequence}:{channel}"; a dossier's own notices have no sequence.
            .ThenBy(m => long.TryParse(m.MessageId.Split(':')[1], out var sequence) ? sequence : 0).ToArray();

    /// <summary>The next <paramref name="times"/> sends to <paramref name="recipient"/> fail.</summary>
    public void FailFor(string recipient, int times) => _failuresToInject[recipient] = times;

    public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken = default)
    {
        if (_failuresToInject.TryGetValue(message.Recipient, out var left) && left > 0)
        {
            _failuresToInject[message.Recipient] = left - 1;
            throw new InvalidOperationException("Injected SMS gateway failure.");
        }
        _messages.TryAdd(message.MessageId, message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SentMessage>> ListAsync(string recipient, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SentMessage>>(To(recipient).Reverse().Take(limit)
            .Select(m => new SentMessage(m.MessageId, m.Channel, m.Recipient, m.Body, m.CreatedAt)).ToArray());

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    /// <summary>Waits until the recipient has a message that <paramref name="match"/> accepts, and returns it.</summary>
    public async Task<OutboundMessage> WaitForAsync(string recipient, Func<OutboundMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (To(recipient).FirstOrDefault(match) is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{recipient} received no matching message.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the recipient has at least <paramref name="count"/> messages (delivery is asynchronous).</summary>
    public async Task<IReadOnlyList<OutboundMessage>> WaitForAsync(string recipient, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var messages = To(recipient);
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{recipient} received {messages.Count} message(s), expected {count}.");
            await Task.Delay(20);
        }
    }

    public static string CodeIn(OutboundMessage message) => message.Body[..6];
}

/// <summary>The audit trail as a dictionary of chains; appending the same entry twice keeps one, like the table.</summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, AuditEntry>> _chains = new();

    /// <summary>Every event appended, as the grain raised it (with what the audit entry leaves out, such as the sessions it ended).</summary>
    public ConcurrentQueue<AccountEvent> Events { get; } = new();

    public Task AppendAsync(AccountEvent evt, CancellationToken cancellationToken = default)
    {
        if (_chains.GetOrAdd(evt.AccountId, _ => new()).TryAdd(evt.Sequence, AuditEntry.FromEvent(evt))) Events.Enqueue(evt);
        return Task.CompletedTask;
    }

    public Task<(IReadOnlyList<AuditEntry> Entries, (long Sequence, byte[] Hash)? Head)> ReadAsync(string accountId, CancellationToken cancellationToken = default)
    {
        var entries = _chains.TryGetValue(accountId, out var chain) ? chain.Values.OrderBy(e => e.Sequence).ToArray() : [];
        (long, byte[])? head = entries.Length == 0 ? null : (entries[^1].Sequence, entries[^1].Hash);
        return Task.FromResult<(IReadOnlyList<AuditEntry>, (long, byte[])?)>((entries, head));
    }

    /// <summary>Waits until the account's chain holds an entry of the given kind.</summary>
    public async Task<IReadOnlyList<AuditEntry>> WaitForAsync(string accountId, AccountEventKind kind, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var (entries, _) = await ReadAsync(accountId);
            if (entries.Any(e => e.Kind == kind)) return entries;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No {kind} entry for {accountId}.");
            await Task.Delay(20);
        }
    }
}
