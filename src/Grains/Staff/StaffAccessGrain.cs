using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Grains.Staff;

/// <summary>What the platform keeps about service accounts. Persisted in the account storage.</summary>
[GenerateSerializer, Alias("vneid.StaffAccessState")]
public sealed class StaffAccessState
{
    [Id(0)] public Dictionary<string, StaffClientRecord> Clients { get; set; } = [];
    /// <summary>Revoked token ids and when each would have expired (dropped after).</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> RevokedTokens { get; set; } = [];
    [Id(2)] public List<StaffSecurityEvent> Recent { get; set; } = [];
    /// <summary>Audit entries written with the state and not yet confirmed by the audit trail (a repeat is ignored there).</summary>
    [Id(3)] public List<AccountEvent> PendingEvents { get; set; } = [];
}

/// <summary>One configured service account: its failures, its revocation time, its audit chain.</summary>
[GenerateSerializer, Alias("vneid.StaffClientRecord")]
public sealed class StaffClientRecord
{
    /// <summary>Failures from every address together: never a lockout (a stranger could start it), only the operators' alert.</summary>
    [Id(0)] public FactorFailures Failures { get; set; } = new();
    [Id(1)] public DateTimeOffset? RevokedBefore { get; set; }
    [Id(2)] public long EventSequence { get; set; }
    [Id(3)] public byte[] AuditHead { get; set; } = [];
    /// <summary>Failures per source address: the lockouts, so that guessing from one place never blocks the officer's own.</summary>
    [Id(4)] public Dictionary<string, FactorFailures> FailuresByAddress { get; set; } = [];
    /// <summary>The last time step whose second-factor code signed in: a code works once (RFC 6238 §5.2).</summary>
    [Id(5)] public long LastTotpStep { get; set; }
}

/// <inheritdoc cref="IStaffAccessGrain"/>
public sealed class StaffAccessGrain(
    [PersistentState("staff", PlatformNames.AccountStorage)] IPersistentState<StaffAccessState> storage,
    IOptions<BruteForceOptions> lockout,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<StaffAccessGrain> logger)
    : Grain, IStaffAccessGrain
{
    private const int RecentKept = 500;
    // Addresses kept per service account; past it the ones that failed longest ago are forgotten first.
    private const int AddressesKept = 1_000;
    // Failures from all addresses together that raise the operators' alert again (a spread-out guessing).
    private const int AlertEvery = 50;
    private static readonly Actor SystemActor = new(ActorRole.System, "system");

    // Unknown client ids are counted in memory only (no row per guessed name) and answer as a configured one would.
    private readonly Dictionary<string, FactorFailures> _unknown = new(StringComparer.Ordinal);

    private StaffAccessState State => storage.State;

    public Task<TimeSpan?> LockedForAsync(string clientId, string address)
    {
        var counted = State.Clients.TryGetValue(clientId, out var client)
            ? client.FailuresByAddress.GetValueOrDefault(address)
            : _unknown.GetValueOrDefault(clientId + "|" + address);
        return Task.FromResult(BruteForceGuard.LockedFor(counted, Now()));
    }

    public async Task<StaffLoginVerdict> RecordLoginAsync(StaffLoginAttempt attempt)
    {
        var (clientId, configured, address) = (attempt.ClientId, attempt.Configured, attempt.Address);
        var now = Now();
        var failures = FailuresOf(clientId, configured, address);
        if (!configured)
        {
            if (_unknown.Count > 10_000) _unknown.Clear();
            return new(false, BruteForceGuard.RecordFailure(failures, lockout.Value, now) == FailureVerdict.TemporarilyLocked
                ? BruteForceGuard.LockedFor(failures, now)
                : null);
        }

        var client = Client(clientId);
        var replayed = attempt.TotpStep is { } used && attempt.RefuseReplay && used <= client.LastTotpStep;
        if (attempt.SecretRight && attempt.TotpStep is { } step && !replayed)
        {
            client.LastTotpStep = Math.Max(client.LastTotpStep, step);
            client.FailuresByAddress.Remove(address);
            BruteForceGuard.Reset(client.Failures);
            Audit(clientId, AccountEventKind.StaffLoginSucceeded, SystemActor, $"from {address}", now);
            await WriteAsync();
            return new(true, null);
        }
        var what = !attempt.SecretRight ? "wrong secret" : replayed ? "a second-factor code already used" : "wrong second-factor code";
        Audit(clientId, AccountEventKind.StaffLoginFailed, SystemActor, $"{what} from {address}", now);
        var verdict = BruteForceGuard.RecordFailure(failures, lockout.Value, now);
        BruteForceGuard.RecordFailure(client.Failures, lockout.Value, now);
        ForgetOldAddresses(client, now);
        TimeSpan? lockedFor = null;
        if (verdict == FailureVerdict.TemporarilyLocked)
        {
            lockedFor = BruteForceGuard.LockedFor(failures, now);
            Audit(clientId, AccountEventKind.StaffLockedOut, SystemActor, $"{failures.Total} failures from {address}; that address locked for {lockedFor}", now);
            // The operator's alert: a service account is being guessed (its own sign-in elsewhere goes on).
            logger.LogError("ALERT: service account {ClientId} locked out from {Address} for {LockedFor} after {Failures} failures",
                clientId, address, lockedFor, failures.Total);
        }
        if (client.Failures.Total % AlertEvery == 0)
            logger.LogError("ALERT: service account {ClientId} has {Failures} failed sign-ins from {Addresses} addresses in the window",
                clientId, client.Failures.Total, client.FailuresByAddress.Count);
        await WriteAsync();
        return new(false, lockedFor);
    }

    public Task<bool> IsRevokedAsync(string clientId, string tokenId, DateTimeOffset issuedAt) =>
        Task.FromResult(State.RevokedTokens.ContainsKey(tokenId) ||
                        (State.Clients.TryGetValue(clientId, out var client) && client.RevokedBefore is { } before && issuedAt <= before));

    public async Task RevokeTokenAsync(string clientId, string tokenId, DateTimeOffset expiresAt)
    {
        var now = Now();
        foreach (var expired in State.RevokedTokens.Where(t => t.Value <= now).Select(t => t.Key).ToArray()) State.RevokedTokens.Remove(expired);
        State.RevokedTokens[tokenId] = expiresAt;
        Audit(clientId, AccountEventKind.StaffTokensRevoked, new Actor(ActorRole.System, clientId), "logout: this token", now);
        await WriteAsync();
    }

    public async Task RevokeAllAsync(string clientId, DateTimeOffset issuedUntil, Actor by, string reason)
    {
        var now = Now();
        Client(clientId).RevokedBefore = issuedUntil;
        Audit(clientId, AccountEventKind.StaffTokensRevoked, by, $"every token issued until now: {reason}", now);
        logger.LogWarning("Every token of service account {ClientId} was revoked by {Actor}: {Reason}", clientId, by.Id, reason);
        await WriteAsync();
    }

    public Task<IReadOnlyList<StaffSecurityEvent>> RecentEventsAsync(int limit) =>
        Task.FromResult<IReadOnlyList<StaffSecurityEvent>>(State.Recent.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, RecentKept)).ToArray());

    private DateTimeOffset Now() => AuditChain.Normalize(clock.GetUtcNow());

    private FactorFailures FailuresOf(string clientId, bool configured, string address)
    {
        if (configured)
        {
            var byAddress = Client(clientId).FailuresByAddress;
            if (!byAddress.TryGetValue(address, out var counted)) byAddress[address] = counted = new FactorFailures();
            return counted;
        }
        var key = clientId + "|" + address;
        if (!_unknown.TryGetValue(key, out var failures)) _unknown[key] = failures = new FactorFailures();
        return failures;
    }

    /// <summary>Keeps at most <see cref="AddressesKept"/> addresses: those with nothing left to count, then the longest quiet, go first.</summary>
    private void ForgetOldAddresses(StaffClientRecord client, DateTimeOffset now)
    {
        if (client.FailuresByAddress.Count <= AddressesKept) return;
        foreach (var (address, failures) in client.FailuresByAddress.OrderBy(a => a.Value.LastFailureAt)
                     .Take(client.FailuresByAddress.Count - AddressesKept).ToArray())
            if (BruteForceGuard.LockedFor(failures, now) is null || client.FailuresByAddress.Count > 2 * AddressesKept)
                client.FailuresByAddress.Remove(address);
    }

    private StaffClientRecord Client(string clientId)
    {
        if (!State.Clients.TryGetValue(clientId, out var client)) State.Clients[clientId] = client = new StaffClientRecord();
        return client;
    }

    /// <summary>An event in the service account's own hash chain (<c>staff:&lt;id&gt;</c> in the audit trail) and in the recent list.</summary>
    private void Audit(string clientId, AccountEventKind kind, Actor actor, string reason, DateTimeOffset now)
    {
        var client = Client(clientId);
        var linked = AuditChain.Link(ChainId(clientId), ++client.EventSequence, client.AuditHead, kind, AccountStatus.Declared,
            AccountStatus.Declared, now, actor, reason);
        client.AuditHead = linked.Hash;
        State.PendingEvents.Add(linked);
        State.Recent.Add(new StaffSecurityEvent(now, clientId, kind, reason));
        if (State.Recent.Count > RecentKept) State.Recent.RemoveRange(0, State.Recent.Count - RecentKept);
    }

    /// <summary>The state with its audit entries first (durable), then the entries to the audit trail; a failed delivery goes again with the next write.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await storage.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        var events = State.PendingEvents.ToArray();
        try
        {
            await GrainFactory.GetGrain<INotificationDispatcherGrain>(0).DispatchAsync(events);
            State.PendingEvents.RemoveRange(0, events.Length);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Staff audit entries not yet written; they go with the next write");
        }
    }

    public static string ChainId(string clientId) => $"staff:{clientId}";
}
