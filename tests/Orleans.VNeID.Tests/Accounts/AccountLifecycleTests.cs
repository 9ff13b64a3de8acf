using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using static Orleans.VNeID.Accounts.AccountStatus;
using static Orleans.VNeID.Accounts.AccountTrigger;

namespace Orleans.VNeID.Tests.Accounts;

public class AccountLifecycleTests
{
    /// <summary>Named starting points; each is reached through the machine itself.</summary>
    private static readonly Dictionary<string, AccountTrigger[]> Starts = new()
    {
        ["Declared"] = [],
        ["PendingActivation(L1)"] = [MatchRegistry],
        ["PendingActivation(L2)"] = [MatchBiometrics],
        ["Level1"] = [MatchRegistry, Activate],
        ["Level2"] = [MatchBiometrics, Activate],
        ["PendingUpgrade"] = [MatchRegistry, Activate, MatchBiometrics],
        ["Locked(from L1)"] = [MatchRegistry, Activate, AccountTrigger.Lock],
        ["Locked(from upgrade)"] = [MatchRegistry, Activate, MatchBiometrics, AccountTrigger.Lock],
        ["Locked(from pending)"] = [MatchRegistry, AccountTrigger.Lock],
    };

    /// <summary>Every start × trigger: the state it leads to, or null where the trigger is refused.</summary>
    private static readonly Dictionary<(string Start, AccountTrigger Trigger), AccountStatus?> Expected = Table();

    private static Dictionary<(string, AccountTrigger), AccountStatus?> Table()
    {
        var table = new Dictionary<(string, AccountTrigger), AccountStatus?>();
        foreach (var start in Starts.Keys)
            foreach (var trigger in Enum.GetValues<AccountTrigger>()) table[(start, trigger)] = null;
        table[("Declared", MatchRegistry)] = PendingActivation;
        table[("Declared", MatchBiometrics)] = PendingActivation;
        foreach (var pending in new[] { "PendingActivation(L1)", "PendingActivation(L2)" })
        {
            table[(pending, MatchBiometrics)] = PendingActivation;
            table[(pending, ResendOtp)] = PendingActivation;
            table[(pending, AccountTrigger.Lock)] = Locked;
        }
        table[("PendingActivation(L1)", Activate)] = Level1;
        table[("PendingActivation(L2)", Activate)] = Level2;
        table[("Level1", LogIn)] = Level1;
        // Rule: upgrading keeps level 1 (issue 14): the match leaves the account usable until the code confirms it.
        table[("Level1", MatchBiometrics)] = PendingUpgrade;
        table[("PendingUpgrade", LogIn)] = PendingUpgrade;
        table[("PendingUpgrade", ResendOtp)] = PendingUpgrade;
        table[("PendingUpgrade", MatchBiometrics)] = PendingUpgrade;
        table[("PendingUpgrade", ConfirmUpgrade)] = Level2;
        table[("PendingUpgrade", AccountTrigger.Lock)] = Locked;
        table[("Locked(from upgrade)", Unlock)] = PendingUpgrade;
        table[("Level1", AccountTrigger.Lock)] = Locked;
        table[("Level2", LogIn)] = Level2;
        table[("Level2", AccountTrigger.Lock)] = Locked;
        table[("Locked(from L1)", Unlock)] = Level1;
        table[("Locked(from pending)", Unlock)] = PendingActivation;
        return table;
    }

    public static TheoryData<string, AccountTrigger> Pairs()
    {
        var data = new TheoryData<string, AccountTrigger>();
        foreach (var (start, trigger) in Expected.Keys) data.Add(start, trigger);
        return data;
    }

    private static async Task<AccountLifecycle> Reach(string start)
    {
        var lifecycle = new AccountLifecycle(new LifecycleState());
        foreach (var step in Starts[start]) Assert.True((await lifecycle.FireAsync(step)).Accepted, $"{start}: {step}");
        return lifecycle;
    }

    [Fact]
    public void The_table_covers_every_state_and_trigger()
    {
        var reached = Starts.Values.Select(steps =>
        {
            var l = new AccountLifecycle(new LifecycleState());
            foreach (var s in steps) l.FireAsync(s).GetAwaiter().GetResult();
            return l.Status;
        }).ToHashSet();
        Assert.Equal(Enum.GetValues<AccountStatus>().ToHashSet(), reached);
        Assert.Equal(Starts.Count * Enum.GetValues<AccountTrigger>().Length, Expected.Count);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Each_state_answers_each_trigger_as_specified(string start, AccountTrigger trigger)
    {
        var lifecycle = await Reach(start);
        var before = lifecycle.Status;
        var permittedBefore = lifecycle.PermittedTriggers;
        var outcome = await lifecycle.FireAsync(trigger);

        if (Expected[(start, trigger)] is { } target)
        {
            Assert.True(outcome.Accepted);
            Assert.Equal(before, outcome.From);
            Assert.Equal(target, outcome.To);
            Assert.Equal(target, lifecycle.Status);
            Assert.Contains(trigger, permittedBefore);
        }
        else
        {
            Assert.False(outcome.Accepted);
            Assert.Equal(before, lifecycle.Status);
            var conflict = outcome.Conflict!;
            Assert.Equal(409, conflict.Error.Status);
            Assert.Equal("invalid_state", conflict.Code);
            Assert.Equal(before.ToString(), conflict.State);
            Assert.Contains(before.ToString(), conflict.Detail);
            Assert.DoesNotContain(trigger.ToString(), conflict.PermittedTriggers!);
            Assert.Equal(permittedBefore.Select(t => t.ToString()), conflict.PermittedTriggers);
        }
    }

    [Fact]
    public async Task Activation_target_follows_the_match_and_is_cleared_when_active()
    {
        var state = new LifecycleState();
        var lifecycle = new AccountLifecycle(state);
        await lifecycle.FireAsync(MatchRegistry);
        Assert.Equal(AccountLevel.Level1, state.ActivationTarget);
        await lifecycle.FireAsync(MatchBiometrics);
        Assert.Equal(AccountLevel.Level2, state.ActivationTarget);
        await lifecycle.FireAsync(Activate);
        Assert.Equal(Level2, state.Status);
        Assert.Equal(AccountLevel.None, state.ActivationTarget);
        Assert.Equal(AccountLevel.Level2, lifecycle.Level);
    }

    [Fact]
    public async Task A_level_one_account_waiting_for_its_upgrade_is_active_at_level_one_and_targets_level_two()
    {
        var state = new LifecycleState();
        var lifecycle = new AccountLifecycle(state);
        await lifecycle.FireAsync(MatchRegistry);
        await lifecycle.FireAsync(Activate);
        await lifecycle.FireAsync(MatchBiometrics);
        Assert.Equal(PendingUpgrade, state.Status);
        Assert.Equal(AccountLevel.Level1, lifecycle.Level);
        Assert.True(lifecycle.IsActive);
        Assert.Equal(AccountLevel.Level2, state.ActivationTarget);
        Assert.False(lifecycle.CanFire(Activate)); // no activation: the password stays
        await lifecycle.FireAsync(AccountTrigger.Lock);
        Assert.Equal(AccountLevel.Level1, lifecycle.Level);
        Assert.False(lifecycle.IsActive);
        await lifecycle.FireAsync(Unlock);
        await lifecycle.FireAsync(ConfirmUpgrade);
        Assert.Equal(Level2, state.Status);
        Assert.Equal(AccountLevel.None, state.ActivationTarget);
    }

    [Fact]
    public async Task A_lock_remembers_where_to_return_and_keeps_the_level()
    {
        var state = new LifecycleState();
        var lifecycle = new AccountLifecycle(state);
        await lifecycle.FireAsync(MatchRegistry);
        await lifecycle.FireAsync(Activate);
        await lifecycle.FireAsync(AccountTrigger.Lock);
        Assert.Equal(Level1, state.ReturnStatus);
        Assert.Equal(AccountLevel.Level1, lifecycle.Level);
        Assert.Equal([Unlock], lifecycle.PermittedTriggers);
        await lifecycle.FireAsync(Unlock);
        Assert.Equal(Level1, state.Status);
        Assert.Null(state.ReturnStatus);
    }

    [Fact]
    public async Task The_machine_is_rebuilt_around_stored_state()
    {
        var stored = new LifecycleState { Status = Locked, ReturnStatus = PendingActivation, ActivationTarget = AccountLevel.Level2 };
        var lifecycle = new AccountLifecycle(stored, retainSynchronizationContext: true);
        Assert.True((await lifecycle.FireAsync(Unlock)).Accepted);
        Assert.True((await lifecycle.FireAsync(Activate)).Accepted);
        Assert.Equal(Level2, stored.Status);
    }

    [Fact]
    public async Task Internal_transitions_work_without_a_synchronization_context_when_retaining_it()
    {
        // A grain has a TaskScheduler but no SynchronizationContext; Stateless must not require one.
        var lifecycle = new AccountLifecycle(new LifecycleState { Status = Level1 }, retainSynchronizationContext: true);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            Assert.True((await lifecycle.FireAsync(LogIn)).Accepted);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public void The_state_diagram_document_is_current()
    {
        var path = Path.Combine(RepositoryRoot(), StateDiagram.RelativePath);
        Assert.True(File.Exists(path), $"{StateDiagram.RelativePath} is missing: run dotnet run --project src/Silo -- state-diagram");
        Assert.True(File.ReadAllText(path) == StateDiagram.Markdown(),
            $"{StateDiagram.RelativePath} is stale: run dotnet run --project src/Silo -- state-diagram");
    }

    [Fact]
    public void The_diagram_shows_every_state_and_trigger()
    {
        var mermaid = AccountLifecycle.ToMermaid();
        Assert.All(Enum.GetNames<AccountStatus>(), s => Assert.Contains(s, mermaid));
        Assert.All(Enum.GetNames<AccountTrigger>(), t => Assert.Contains(t, mermaid));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.VNeID.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Orleans.VNeID.sln not found above the test assembly.");
    }
}
