using Orleans.VNeID.Errors;
using Stateless;
using Stateless.Graph;
using Stateless.Reflection;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>The part of an account's state the lifecycle owns; persisted inside <see cref="AccountState"/>.</summary>
[GenerateSerializer, Alias("vneid.LifecycleState")]
public sealed class LifecycleState
{
    [Id(0)] public AccountStatus Status { get; set; } = AccountStatus.Declared;

    /// <summary>The level an activation in progress leads to.</summary>
    [Id(1)] public AccountLevel ActivationTarget { get; set; } = AccountLevel.None;

    /// <summary>Where <see cref="AccountTrigger.Unlock"/> returns a locked account.</summary>
    [Id(2)] public AccountStatus? ReturnStatus { get; set; }
}

/// <summary>A transition that was taken, or the reason none was.</summary>
public readonly record struct LifecycleOutcome(AccountStatus From, AccountStatus To, Refusal? Conflict)
{
    public bool Accepted => Conflict is null;
}

/// <summary>
/// The account state machine of the design card (Declared, PendingActivation, Level1, Level2, Locked), around the
/// persisted <see cref="LifecycleState"/>; only that state is stored. The Stateless machine itself is built for each
/// question or transition (about 4 µs) rather than kept: kept, it cost every active account grain 9 KB of heap, more
/// than everything else the grain holds (docs/benchmarks.md, "Profile findings").
/// </summary>
public sealed class AccountLifecycle(LifecycleState state, bool retainSynchronizationContext = false)
{
    private readonly LifecycleState _state = state;

    private StateMachine<AccountStatus, AccountTrigger> Machine()
    {
        var machine = new StateMachine<AccountStatus, AccountTrigger>(() => _state.Status, s => _state.Status = s)
        {
            // Inside a grain, continuations must stay on the grain's scheduler.
            RetainSynchronizationContext = retainSynchronizationContext,
        };
        Configure(machine, _state);
        return machine;
    }

    public AccountStatus Status => _state.Status;

    public AccountLevel Level => LevelOf(_state.Status == AccountStatus.Locked ? _state.ReturnStatus ?? AccountStatus.Declared : _state.Status);

    /// <summary>Whether the account is in use (level 1, level 2, or level 1 with an upgrade waiting): it logs in and recovers.</summary>
    public bool IsActive => LevelOf(_state.Status) != AccountLevel.None;

    private static AccountLevel LevelOf(AccountStatus status) => status switch
    {
        AccountStatus.Level1 or AccountStatus.PendingUpgrade => AccountLevel.Level1,
        AccountStatus.Level2 => AccountLevel.Level2,
        _ => AccountLevel.None,
    };

    public bool CanFire(AccountTrigger trigger) => Machine().CanFire(trigger);

    public IReadOnlyList<AccountTrigger> PermittedTriggers =>
        Enum.GetValues<AccountTrigger>().Where(Machine().CanFire).ToArray();

    /// <summary>Fires the trigger if the state permits it; otherwise answers a conflict naming the state and what it permits.</summary>
    public async Task<LifecycleOutcome> FireAsync(AccountTrigger trigger)
    {
        var from = _state.Status;
        var machine = Machine();
        if (!machine.CanFire(trigger)) return new LifecycleOutcome(from, from, ConflictFor(trigger));
        await machine.FireAsync(trigger);
        return new LifecycleOutcome(from, _state.Status, null);
    }

    public Refusal ConflictFor(AccountTrigger trigger) =>
        WithState(ErrorCatalogue.InvalidState.Refuse($"'{trigger}' is not permitted while the account is {_state.Status}."));

    /// <summary>The refusal with the state the account is in and the triggers that state permits.</summary>
    public Refusal WithState(Refusal refusal) => refusal with
    {
        State = _state.Status.ToString(),
        PermittedTriggers = PermittedTriggers.Select(t => t.ToString()).ToArray(),
    };

    /// <summary>The machine's graph in Mermaid, exported from the configuration itself.</summary>
    public static string ToMermaid()
    {
        var machine = new StateMachine<AccountStatus, AccountTrigger>(AccountStatus.Declared);
        Configure(machine, new LifecycleState());
        return MermaidGraph.Format(machine.GetInfo());
    }

    // Internal transitions are declared async: with RetainSynchronizationContext, Stateless runs a synchronous
    // internal action through TaskScheduler.FromCurrentSynchronizationContext(), which throws inside a grain
    // (Orleans schedules with a TaskScheduler and sets no SynchronizationContext).
    private static Task NoAction(StateMachine<AccountStatus, AccountTrigger>.Transition _) => Task.CompletedTask;

    private static DynamicStateInfos Destinations(params (AccountStatus State, string Criterion)[] destinations)
    {
        var infos = new DynamicStateInfos();
        foreach (var (state, criterion) in destinations) infos.Add(state, criterion);
        return infos;
    }

    private static void Configure(StateMachine<AccountStatus, AccountTrigger> machine, LifecycleState state)
    {
        var lockable = new[] { AccountStatus.PendingActivation, AccountStatus.Level1, AccountStatus.PendingUpgrade, AccountStatus.Level2 };

        machine.Configure(AccountStatus.Declared)
            .Permit(AccountTrigger.MatchRegistry, AccountStatus.PendingActivation)
            .Permit(AccountTrigger.MatchBiometrics, AccountStatus.PendingActivation);

        machine.Configure(AccountStatus.PendingActivation)
            .OnEntryFrom(AccountTrigger.MatchRegistry, () => state.ActivationTarget = AccountLevel.Level1, "target Level1")
            .OnEntryFrom(AccountTrigger.MatchBiometrics, () => state.ActivationTarget = AccountLevel.Level2, "target Level2")
            .InternalTransitionAsync(AccountTrigger.ResendOtp, NoAction)
            // An in-person biometric match upgrades an activation still waiting for level 1.
            .PermitReentry(AccountTrigger.MatchBiometrics)
            .PermitDynamic(AccountTrigger.Activate,
                () => state.ActivationTarget == AccountLevel.Level2 ? AccountStatus.Level2 : AccountStatus.Level1,
                "activation target",
                Destinations((AccountStatus.Level1, "target Level1"), (AccountStatus.Level2, "target Level2")))
            .Permit(AccountTrigger.Lock, AccountStatus.Locked);

        machine.Configure(AccountStatus.Level1)
            .OnEntry(() => state.ActivationTarget = AccountLevel.None)
            .InternalTransitionAsync(AccountTrigger.LogIn, NoAction)
            // Biometrics matched at an office: the account stays usable at level 1 while the upgrade waits for its code.
            .Permit(AccountTrigger.MatchBiometrics, AccountStatus.PendingUpgrade)
            .Permit(AccountTrigger.Lock, AccountStatus.Locked);

        machine.Configure(AccountStatus.PendingUpgrade)
            .OnEntry(() => state.ActivationTarget = AccountLevel.Level2, "target Level2")
            .InternalTransitionAsync(AccountTrigger.LogIn, NoAction)
            .InternalTransitionAsync(AccountTrigger.ResendOtp, NoAction)
            .PermitReentry(AccountTrigger.MatchBiometrics)
            .Permit(AccountTrigger.ConfirmUpgrade, AccountStatus.Level2)
            .Permit(AccountTrigger.Lock, AccountStatus.Locked);

        machine.Configure(AccountStatus.Level2)
            .OnEntry(() => state.ActivationTarget = AccountLevel.None)
            .InternalTransitionAsync(AccountTrigger.LogIn, NoAction)
            .Permit(AccountTrigger.Lock, AccountStatus.Locked);

        machine.Configure(AccountStatus.Locked)
            .OnEntry(t => state.ReturnStatus = t.Source)
            .PermitDynamic(AccountTrigger.Unlock,
                () => state.ReturnStatus ?? AccountStatus.Level1,
                "state before the lock",
                Destinations(lockable.Select(s => (s, $"was {s}")).ToArray()))
            .OnExit(() => state.ReturnStatus = null);
    }
}
