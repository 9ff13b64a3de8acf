using Microsoft.Extensions.Options;

namespace Orleans.VNeID.Tests.Accounts;

public class OtpIssuerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly OtpOptions Options = new() { HashKey = Convert.ToBase64String(new byte[32]) };
    private readonly OtpIssuer _issuer = new(new OtpCodes(Microsoft.Extensions.Options.Options.Create(Options)), Microsoft.Extensions.Options.Options.Create(Options));

    [Fact]
    public void An_issued_code_verifies_once_stored_as_a_hash_and_expires_after_its_validity()
    {
        var state = new AccountState();
        var pending = _issuer.Issue(state, "001090012345", Start, CodeBudget.Owner, out var code);
        Assert.Equal(OneTimeCode.Digits, code.Length);
        Assert.True(_issuer.Verify("001090012345", pending, code));
        Assert.False(_issuer.Verify("001090012346", pending, code));
        Assert.DoesNotContain(code, Convert.ToBase64String(pending.Hash));
        Assert.True(OtpIssuer.IsLive(pending, Start.AddSeconds(Options.ValiditySeconds - 1)));
        Assert.False(OtpIssuer.IsLive(pending, Start.AddSeconds(Options.ValiditySeconds)));
    }

    [Fact]
    public void A_later_issue_never_accepts_an_earlier_code()
    {
        var state = new AccountState();
        var first = _issuer.Issue(state, "001090012345", Start, CodeBudget.Owner, out var firstCode);
        var second = _issuer.Issue(state, "001090012345", Start.AddMinutes(2), CodeBudget.Owner, out _);
        Assert.NotEqual(first.Issue, second.Issue);
        Assert.False(_issuer.Verify("001090012345", second, firstCode));
    }

    [Fact]
    public void Sends_wait_for_the_cooldown_then_for_the_hourly_limit()
    {
        var state = new AccountState();
        var now = Start;
        for (var i = 0; i < Options.MaxSendsPerHour; i++)
        {
            Assert.Null(_issuer.SendLimit(state, now, CodeBudget.Owner));
            _issuer.Issue(state, "001090012345", now, CodeBudget.Owner, out _);
            var expected = i < Options.MaxSendsPerHour - 1 ? "otp_cooldown" : "otp_hourly_limit";
            Assert.Equal(expected, _issuer.SendLimit(state, now.AddSeconds(1), CodeBudget.Owner)?.Code);
            now = now.AddSeconds(Options.ResendCooldownSeconds);
        }
        var limit = _issuer.SendLimit(state, now, CodeBudget.Owner);
        Assert.Equal("otp_hourly_limit", limit?.Code);
        Assert.Equal((int)(Start.AddHours(1) - now).TotalSeconds, limit!.RetryAfterSeconds);
        Assert.Null(_issuer.SendLimit(state, Start.AddHours(1), CodeBudget.Owner));
    }

    [Fact]
    public void The_configured_number_of_wrong_entries_voids_the_code_it_was_entered_for()
    {
        var state = new AccountState();
        state.Otp = _issuer.Issue(state, "001090012345", Start, CodeBudget.Owner, out _);
        state.RecoveryOtp = _issuer.Issue(state, "001090012345", Start, CodeBudget.Owner, out _);
        for (var i = 1; i < Options.MaxWrongAttempts; i++) Assert.False(_issuer.CountWrongEntry(state, state.Otp));
        Assert.True(_issuer.CountWrongEntry(state, state.Otp));
        Assert.Null(state.Otp);
        Assert.NotNull(state.RecoveryOtp);
        Assert.Equal("otp_attempts_exceeded", _issuer.Voided(state, Start).Code);
    }

    [Fact]
    public void A_stranger_spending_the_anonymous_budget_leaves_the_owners_and_the_desk_is_never_limited()
    {
        var state = new AccountState();
        var now = Start;
        for (var i = 0; i < Options.MaxAnonymousSendsPerHour; i++)
        {
            Assert.Null(_issuer.SendLimit(state, now, CodeBudget.Anonymous));
            _issuer.Issue(state, "001090012345", now, CodeBudget.Anonymous, out _);
            now = now.AddSeconds(Options.ResendCooldownSeconds);
        }
        Assert.Equal("otp_hourly_limit", _issuer.SendLimit(state, now, CodeBudget.Anonymous)?.Code);
        Assert.Empty(state.OtpSends);
        Assert.Null(_issuer.SendLimit(state, now, CodeBudget.Owner));
        _issuer.Issue(state, "001090012345", now, CodeBudget.Owner, out _);
        Assert.Equal("otp_cooldown", _issuer.SendLimit(state, now, CodeBudget.Owner)?.Code);
        for (var i = 0; i < 20; i++) _issuer.Issue(state, "001090012345", now, CodeBudget.Office, out _);
        Assert.Null(_issuer.SendLimit(state, now, CodeBudget.Office));
        Assert.Single(state.OtpSends);
        Assert.Null(_issuer.SendLimit(state, Start.AddHours(1).AddSeconds(1), CodeBudget.Anonymous));
    }
}
