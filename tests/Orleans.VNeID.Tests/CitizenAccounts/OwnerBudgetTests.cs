using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// Issue 26: nobody can silence a citizen. What a stranger can cause by knowing printed details (or the phone number)
/// is counted apart from what stands between the owner and their own account, and the owner always has a way through.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OwnerBudgetTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    private const string NewPassword = "Moi@Matkhau9";
    private static readonly Actor Officer = new(ActorRole.Officer, "officer-hn-01");

    private static StartRecovery RecoveryOf(CitizenRecord c) => new(c.Phone!, c.FullName, c.DateOfBirth, c.CardIssuedOn!.Value);

    private async Task<string> NextCodeAsync(CitizenRecord citizen, int count) =>
        RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, count))[^1]);

    [Fact]
    public async Task Silencing_a_stranger_declaring_the_printed_details_every_3_s_for_10_minutes_leaves_the_owners_recovery_code()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        // Name, birth date and gender are printed on the card; the stranger types a phone of their own.
        for (var i = 0; i < 200; i++)
        {
            var answer = await grain.DeclareAsync(ClusterFixture.DeclarationOf(citizen) with { Phone = "0999999999" });
            Assert.True(answer.Succeeded);
            fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        }
        // The owner is told once, not 200 times, and no code budget was spent.
        await fixture.Sender.WaitForAsync(citizen.Phone!, 3);
        await Task.Delay(200);
        Assert.Equal(3, fixture.Sender.To(citizen.Phone!).Count);
        Assert.Empty(fixture.Sender.To("0999999999"));

        Assert.True((await grain.StartRecoveryAsync(RecoveryOf(citizen))).Value);
        var code = await NextCodeAsync(citizen, 4);
        Assert.True((await grain.CompleteRecoveryAsync(code, NewPassword)).Succeeded);
        Assert.NotNull((await grain.LogInAsync(NewPassword)).Value);
    }

    [Fact]
    public async Task Wrong_recovery_details_count_against_the_requester_and_never_lock_the_owners_codes()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        for (var i = 0; i < 30; i++)
            Assert.False((await grain.StartRecoveryAsync(RecoveryOf(citizen) with { FullName = "Ai Đó" })).Value);
        // Thirty wrong codes on no recovery at all: nothing of the owner's is counted either.
        for (var i = 0; i < 30; i++) Assert.Equal("otp_invalid", (await grain.CompleteRecoveryAsync($"{i:D6}", NewPassword)).Error!.Code);

        // The owner's chip still sends a code, and a sign-in code for an open session still goes out.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await grain.StartNfcRecoveryAsync(fixture.Chips.Issuer.Issue(citizen))).Succeeded);
        var code = await NextCodeAsync(citizen, 3);
        Assert.True((await grain.CompleteRecoveryAsync(code, NewPassword)).Succeeded);
        var session = (await grain.LogInAsync(NewPassword)).Value!;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await grain.RequestSignInCodeAsync(session.SessionId)).Succeeded);
    }

    [Fact]
    public async Task A_stranger_who_spent_the_anonymous_budget_leaves_the_chip_and_the_office_their_codes()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        var options = new OtpOptions();
        // The stranger has every detail and the phone number: each request sends a code, until the anonymous budget is spent.
        for (var i = 0; i < 10; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(61));
            Assert.True((await grain.StartRecoveryAsync(RecoveryOf(citizen))).Value);
        }
        await Task.Delay(200);
        // The activation code came from the same budget within the hour.
        var sent = 2 + options.MaxAnonymousSendsPerHour - 1;
        Assert.Equal(sent, fixture.Sender.To(citizen.Phone!).Count);

        // The chip proves what the stranger lacks: the owner's own budget.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await grain.StartNfcRecoveryAsync(fixture.Chips.Issuer.Issue(citizen))).Succeeded);
        await NextCodeAsync(citizen, ++sent);
        // At the office, the citizen present: no online limit applies, even right after another send.
        Assert.True((await grain.StartRecoveryAtOfficeAsync(Officer, "CAP-HG", null, "test: matched in person")).Succeeded);
        var code = await NextCodeAsync(citizen, ++sent);
        Assert.True((await grain.CompleteRecoveryAsync(code, NewPassword)).Succeeded);
    }

    [Fact]
    public async Task A_step_up_code_goes_out_only_for_the_passwords_holder_so_a_stranger_cannot_spend_the_owners_sends()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        for (var i = 0; i < 10; i++) await grain.LogInAsync("Wrong@" + i);
        Assert.Equal("step_up_required", (await grain.LogInAsync(Password)).Error!.Code);
        var sent = (await fixture.Sender.WaitForAsync(citizen.Phone!, 4)).Count; // the lockout and the step-up notices

        for (var i = 0; i < 8; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(61));
            var answer = await grain.RequestStepUpCodeAsync("Guess@" + i);
            Assert.True(answer.Succeeded);
            Assert.True(answer.Pace > TimeSpan.Zero);
        }
        await Task.Delay(200);
        Assert.Equal(sent, fixture.Sender.To(citizen.Phone!).Count);

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.RequestStepUpCodeAsync(Password);
        var code = await NextCodeAsync(citizen, sent + 1);
        Assert.NotNull((await grain.LogInAsync(Password, code)).Value);
    }

    [Fact]
    public async Task Pacing_anonymous_answers_never_holds_the_accounts_turn_from_the_owner()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        // The silo's recent commits made as slow as they can count (an attacker's stalled commits are cut at the ceiling).
        var timings = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CommitTimings>();
        var starts = Enumerable.Range(0, 8).Select(_ => timings.Start()).ToList();
        await Task.Delay(CommitTimings.Ceiling + TimeSpan.FromMilliseconds(50));
        foreach (var started in starts) timings.Record(started);

        // Twenty anonymous answers that commit nothing (an unknown ID's recovery, by the stranger) are in flight, then the owner logs in.
        var stranger = Enumerable.Range(0, 20).Select(_ => grain.CompleteRecoveryAsync("123456", NewPassword)).ToList();
        var owner = await grain.LogInAsync(Password);
        Assert.NotNull(owner.Value);
        // The grain answered the owner without waiting out the strangers' paces: most of them are still being held back.
        Assert.Contains(stranger, t => !t.IsCompleted);
        var answers = await Task.WhenAll(stranger);
        Assert.All(answers, a => Assert.Equal("otp_invalid", a.Error!.Code));
        Assert.All(answers, a => Assert.InRange(a.Pace, TimeSpan.FromTicks(1), CommitTimings.Ceiling));
    }
}
