using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Tests.Security;

public class LoginDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly BruteForceOptions Options = new();

    private static FactorFailures Failed(int times)
    {
        var failures = new FactorFailures();
        for (var i = 0; i < times; i++) BruteForceGuard.RecordFailure(failures, Options, Now.AddSeconds(-times + i));
        return failures;
    }

    [Fact]
    public void No_usable_password_comes_first_whatever_else_is_brought()
    {
        Assert.Equal(LoginStep.NoUsablePassword, LoginDecision.Next(new(false, Failed(20), true, true), Options, Now));
    }

    [Fact]
    public void Without_failures_the_password_is_checked()
    {
        Assert.Equal(LoginStep.CheckPassword, LoginDecision.Next(new(true, null, false, false), Options, Now));
        Assert.Equal(LoginStep.CheckPassword, LoginDecision.Next(new(true, Failed(3), false, false), Options, Now));
    }

    [Fact]
    public void A_temporary_lockout_refuses_unchecked_until_it_ends()
    {
        var locked = Failed(Options.Threshold);
        Assert.Equal(LoginStep.RefusedDuringLockout, LoginDecision.Next(new(true, locked, false, false), Options, Now));
        Assert.Equal(LoginStep.CheckPassword, LoginDecision.Next(new(true, locked, false, false), Options, Now + Options.FirstLockout));
    }

    [Fact]
    public void Past_the_step_up_threshold_a_login_needs_a_live_code_and_then_passes_even_during_a_lockout()
    {
        var failures = Failed(Options.StepUpAfter);
        Assert.NotNull(BruteForceGuard.LockedFor(failures, Now));
        Assert.Equal(LoginStep.StepUpRequired, LoginDecision.Next(new(true, failures, false, true), Options, Now));
        Assert.Equal(LoginStep.StepUpCodeNotLive, LoginDecision.Next(new(true, failures, true, false), Options, Now));
        Assert.Equal(LoginStep.CheckStepUpCode, LoginDecision.Next(new(true, failures, true, true), Options, Now));
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var failures = Failed(Options.StepUpAfter);
        Assert.Equal(LoginStep.CheckPassword, LoginDecision.Next(new(true, failures, false, false), Options, Now + Options.MaxLockout + Options.FailureWindow));
    }

    [Fact]
    public void The_risk_rule_advises_a_code_after_wrong_passwords_unless_the_login_proved_the_phone()
    {
        Assert.True(LoginDecision.CodeAdvised(new(true, Failed(1), false, false)));
        Assert.False(LoginDecision.CodeAdvised(new(true, Failed(1), true, true)));
        Assert.False(LoginDecision.CodeAdvised(new(true, null, false, false)));
    }
}
