using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// One citizen's account, keyed by the personal ID number. The grain loads the state, asks the rules (the lifecycle,
/// <see cref="OtpIssuer"/>, <see cref="SessionBook"/>, <see cref="BruteForceGuard"/>, <see cref="Declaration"/>), commits,
/// and delivers. Every accepted command and every security-relevant event is written (events hash-chained for the audit
/// trail) before the answer; events are then delivered, and re-delivered by a reminder until the dispatcher confirms them.
/// This file holds activation, the commit and event delivery; each capability has a file of its own
/// (<c>.Registration</c>, <c>.Sessions</c>, <c>.Locking</c>, <c>.Lockout</c>, <c>.Recovery</c>, <c>.Level2</c>).
/// </summary>
// Random placement spreads accounts evenly over the silos; the default prefers the silo the call came in through,
// which piles every account a gateway touches onto its one gateway silo.
[RandomPlacement]
[GrainType(PlatformNames.AccountGrainType)]
public sealed partial class CitizenAccountGrain(
    Storage.IAccountCommits commits,
    IPopulationRegistry registry,
    IDocumentRegisters registers,
    OtpIssuer codes,
    Passwords passwords,
    SecretSealer sealer,
    ISentMessageReader notices,
    IOptions<RegistrationOptions> registrationOptions,
    IOptions<BruteForceOptions> lockoutOptions,
    IOptions<SessionOptions> sessionOptions,
    IOptions<NotificationOptions> notificationOptions,
    Chips.PassiveAuthentication chipVerifier,
    CommitTimings commitTimings,
    Offices.WorkingCalendar calendar,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<CitizenAccountGrain> logger)
    : Grain, ICitizenAccountGrain, IRemindable
{
    private const string RedriveReminder = "notification-redrive";
    private static readonly Actor SystemActor = new(ActorRole.System, "system");

    private AccountLifecycle _lifecycle = null!;
    private IGrainReminder? _redrive;
    private bool _acknowledgementsUnsaved;
    private readonly GrainState<AccountState> _record = new(new AccountState());

    private AccountState State => _record.State!;
    private string AccountId => this.GetPrimaryKeyString();
    private bool Exists => _record.RecordExists;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await commits.LoadAsync(this.GetGrainId(), _record);
        _record.State ??= new AccountState();
        _lifecycle = new AccountLifecycle(State.Lifecycle, retainSynchronizationContext: true);
        // A reactivated account rarely has a send within the hour; its loaded list (room for four) is then let go.
        OtpIssuer.ForgetOldSends(State, Now());
        // Stored events not known to be delivered: a failed delivery, a silo that died mid-command, or a confirmation
        // that was never saved (the outbox and the audit trail ignore a repeat).
        if (State.PendingEvents.Count > 0) await DeliverPendingAsync();
    }

    public Task<AccountView?> GetAsync() => Task.FromResult(Exists ? View() : null);

    /// <summary>The in-app notices: the outbox's messages of the app channel, addressed to the account itself.</summary>
    public async Task<IReadOnlyList<AccountNotice>?> GetNoticesAsync(int limit)
    {
        if (!Exists) return null;
        var sent = await notices.ListAsync(AccountId, Math.Clamp(limit, 1, 100));
        return sent.Where(m => m.Channel == NotificationChannel.App).Select(m => new AccountNotice(m.MessageId, m.Body, m.CreatedAt)).ToList();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RedriveReminder) return;
        if (State.PendingEvents.Count > 0) await DeliverPendingAsync();
        if (State.PendingEvents.Count > 0) return;
        if (_acknowledgementsUnsaved) await SaveAsync();
        var reminder = _redrive ?? await this.GetReminder(RedriveReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
        _redrive = null;
    }

    private DateTimeOffset Now() => AuditChain.Normalize(clock.GetUtcNow());

    private LifecycleOutcome Unchanged() => new(State.Lifecycle.Status, State.Lifecycle.Status, null);

    private AccountView View() => AccountViews.View(AccountId, State, _lifecycle.Level);

    /// <summary>
    /// Messages to the account's own registered phone and e-mail, with the code sealed when there is one, and the same
    /// notice in the app's list (the seed: "qua ứng dụng VNeID hoặc tin nhắn SMS hoặc … thư điện tử"), which says a
    /// code was sent but never holds it.
    /// </summary>
    private List<NotificationRequest> ToOwner(string? code)
    {
        var sealedCode = code is null ? null : sealer.Seal(code, AccountId);
        var notifications = new List<NotificationRequest>(3);
        if (State.Phone is { } phone) notifications.Add(new NotificationRequest(NotificationChannel.Sms, phone, sealedCode, codes.ValiditySeconds));
        if (State.Email is { } email) notifications.Add(new NotificationRequest(NotificationChannel.Email, email, sealedCode, codes.ValiditySeconds));
        notifications.Add(new NotificationRequest(NotificationChannel.App, AccountId, null, codes.ValiditySeconds));
        return notifications;
    }

    /// <summary>One message carrying a new code, sealed, to one recipient (a step-up, a recovery, an e-mail to confirm).</summary>
    private NotificationRequest CodeTo(NotificationChannel channel, string recipient, string code) =>
        new(channel, recipient, sealer.Seal(code, AccountId), codes.ValiditySeconds);

    /// <summary>Adds an event, linked into the account's audit chain; it is written with the next commit.</summary>
    private void Raise(AccountEventKind kind, LifecycleOutcome outcome, Actor actor, string? reason, DateTimeOffset now,
        IReadOnlyList<NotificationRequest>? notifications = null, IReadOnlyList<string>? endedSessions = null)
    {
        var linked = AuditChain.Link(AccountId, ++State.EventSequence, State.AuditHead, kind, outcome.From, outcome.To, now, actor, reason, notifications);
        State.PendingEvents.Add(endedSessions is { Count: > 0 } ? linked with { EndedSessions = endedSessions } : linked);
        State.AuditHead = linked.Hash;
    }

    /// <summary>Closes every session; the ids go with the event that closed them (relying parties are told).</summary>
    private List<string> EndAllSessions()
    {
        var ended = State.Sessions.Select(s => s.Id).ToList();
        State.Sessions.Clear();
        return ended;
    }

    /// <summary>
    /// Durable before the answer. Through the account-commit port the state and its events (audit entries, messages,
    /// logouts owed, the stream's message) commit in one transaction; where the port stores the state alone, the events
    /// are stored inside it and the dispatcher writes them before the command answers.
    /// </summary>
    private async Task CommitAsync()
    {
        var started = commitTimings.Start();
        await SaveAsync();
        if (!commits.EventsCommitWithState) await DeliverPendingAsync();
        commitTimings.Record(started);
    }

    /// <summary>
    /// An anonymous answer that commits nothing is paced as long as a commit would take: its time must not tell an unknown
    /// ID number, or an account with nothing to count, from one that wrote. The caller's side waits (the gateway's
    /// <c>PaceAnonymousAnswers</c>), not this grain: a stranger's requests never hold the account's turn.
    /// </summary>
    private Result<T> Paced<T>(Result<T> answer) => answer with { Pace = commitTimings.Pace() };

    /// <summary>A failed write leaves memory ahead of storage: drop the activation so the next call reloads what is stored.</summary>
    private async Task SaveAsync()
    {
        // Events the port commits with the state leave the state: once committed nothing is left to deliver or confirm.
        AccountEvent[] announced = commits.EventsCommitWithState ? [.. State.PendingEvents] : [];
        if (announced.Length > 0) State.PendingEvents.Clear();
        try
        {
            State.AccountId = AccountId;
            await commits.CommitAsync(this.GetGrainId(), _record, announced);
            _acknowledgementsUnsaved = false;
        }
        catch
        {
            State.PendingEvents.InsertRange(0, announced);
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task EnsureRedriveReminderAsync()
    {
        var interval = notificationOptions.Value.RedriveInterval;
        _redrive ??= await this.RegisterOrUpdateReminder(RedriveReminder, interval, interval);
    }

    /// <summary>
    /// Hands the stored, unconfirmed events to the dispatcher and forgets them once it has answered (a port that stores
    /// the state alone, or a state stored by an earlier version with events in it). The confirmation is
    /// saved with the next write, not on deactivation (a silo stopping with 100,000 active accounts would write 100,000
    /// rows); until then a reactivation sends them again and the outbox and audit trail ignore the repeat. When delivery
    /// fails the events stay stored and a reminder retries them every <see cref="NotificationOptions.RedriveInterval"/>;
    /// the reminder is registered only then, not on every command.
    /// </summary>
    private async Task DeliverPendingAsync()
    {
        var events = State.PendingEvents.ToArray();
        if (events.Length == 0) return;
        try
        {
            // A redrive (reactivation, reminder) may follow a delivery that half happened: repeats are ignored downstream.
            await GrainFactory.GetGrain<INotificationDispatcherGrain>(0).DispatchAsync(events);
            State.PendingEvents.RemoveAll(e => e.Sequence <= events[^1].Sequence);
            _acknowledgementsUnsaved = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Delivering {Count} account event(s) failed; a reminder will retry", events.Length);
            try
            {
                await EnsureRedriveReminderAsync();
            }
            catch (Exception reminderFailure) when (reminderFailure is not OutOfMemoryException)
            {
                // Still stored with the state: the next activation of this account delivers them.
                logger.LogWarning(reminderFailure, "The redrive reminder could not be registered either");
            }
        }
    }
}
