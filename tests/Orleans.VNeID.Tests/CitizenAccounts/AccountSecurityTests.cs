using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

[Collection(ClusterCollection.Name)]
public class AccountSecurityTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    private const string NewPassword = "Moi@Matkhau9";

    private Task<CitizenRecord> ActiveAsync() => fixture.ActiveCitizenAsync(Password);

    private StartRecovery RecoveryOf(CitizenRecord c) => new(c.Phone!, c.FullName, c.DateOfBirth, c.CardIssuedOn!.Value);

    [Fact]
    public async Task Lockout_weapon_wrong_passwords_lead_to_temporary_lockouts_then_a_step_up_the_owner_passes_never_a_lock()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        var login = await grain.LogInAsync(Password);
        Assert.NotNull(login.Value);

        for (var i = 1; i <= 4; i++) Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@" + i)).Error!.Code);
        var fifth = await grain.LogInAsync("Wrong@5");
        Assert.Equal("too_many_attempts", fifth.Error!.Code);
        Assert.Equal(300, fifth.Error.RetryAfterSeconds);
        // Even the right password is refused during the lockout, without being checked; the attempt counts.
        Assert.Equal("too_many_attempts", (await grain.LogInAsync(Password)).Error!.Code);
        Assert.Contains("tam thoi bi khoa dang nhap", (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1].Body);

        for (var i = 7; i <= 9; i++) Assert.Equal("too_many_attempts", (await grain.LogInAsync("Wrong@" + i)).Error!.Code);
        // The stranger goes on to 25 wrong passwords: from the tenth failure logins need the step-up code.
        for (var i = 10; i <= 25; i++) Assert.Equal("step_up_required", (await grain.LogInAsync("Wrong@" + i)).Error!.Code);
        Assert.Contains("can them ma xac thuc", (await fixture.Sender.WaitForAsync(citizen.Phone!, 4))[^1].Body);
        Assert.Equal(AccountStatus.Level1, (await grain.GetAsync())!.Status);
        Assert.NotNull(await grain.GetForSessionAsync(login.Value!.SessionId));
        Assert.Equal("step_up_required", (await grain.LogInAsync(Password)).Error!.Code);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync(Password, "123456")).Error!.Code);

        // The owner: a code to the phone on record, then the password with it, inside the temporary lockout.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.RequestStepUpCodeAsync(Password);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 5))[^1]);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@26", code)).Error!.Code);
        // Wrong codes by the stranger void a code but never lock the owner's step-up: twenty of them, then the owner.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.RequestStepUpCodeAsync(Password);
        for (var i = 0; i < 20; i++) Assert.Equal("invalid_credentials", (await grain.LogInAsync(Password, $"{i:D6}")).Error!.Code);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.RequestStepUpCodeAsync(Password);
        code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 7))[^1]);
        Assert.NotNull((await grain.LogInAsync(Password, code)).Value);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@27")).Error!.Code);

        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.StepUpRequired);
        Assert.DoesNotContain(trail, e => e.Kind == AccountEventKind.Locked);
        Assert.Single(trail, e => e.Kind == AccountEventKind.LoginLockedOut);
    }

    [Fact]
    public async Task After_a_temporary_lockout_the_right_password_works_and_clears_the_count()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        for (var i = 0; i < 5; i++) await grain.LogInAsync("Wrong@" + i);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.NotNull((await grain.LogInAsync(Password)).Value);
        for (var i = 0; i < 4; i++) Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@" + i)).Error!.Code);
    }

    [Fact]
    public async Task Enumeration_an_unknown_id_a_pending_and_a_locked_account_answer_logins_exactly_as_an_active_account_does()
    {
        var active = fixture.Account(await ActiveAsync());
        var unknown = fixture.Client.GetGrain<ICitizenAccountGrain>(fixture.NewCitizen().IdNumber);
        var pendingCitizen = fixture.NewCitizen();
        await fixture.Account(pendingCitizen).DeclareAsync(ClusterFixture.DeclarationOf(pendingCitizen));
        var locked = fixture.Account(await ActiveAsync());
        await locked.LockAsync(new Actor(ActorRole.Officer, "officer-hn-01"), "test");

        foreach (var other in new[] { unknown, fixture.Account(pendingCitizen), locked })
        {
            var probe = fixture.Client.GetGrain<ICitizenAccountGrain>(other.GetPrimaryKeyString());
            var twin = fixture.Account(await ActiveAsync());
            for (var i = 1; i <= 14; i++)
            {
                var code = i > 12 ? "000000" : null;
                var a = (await twin.LogInAsync("Wrong@" + i, code)).Error!;
                var b = (await probe.LogInAsync(i == 7 ? Password : "Wrong@" + i, code)).Error!;
                Assert.Equal((a.Code, a.Detail, a.RetryAfterSeconds), (b.Code, b.Detail, b.RetryAfterSeconds));
            }
        }
    }

    [Fact]
    public async Task Enumeration_every_anonymous_command_answers_after_one_commit_or_after_waiting_as_long_as_one()
    {
        var timings = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CommitTimings>();
        async Task<(long Commits, long Imitations)> Counted(Func<Task> command)
        {
            var (commits, imitations) = (timings.Commits, timings.Imitations);
            await command();
            return (timings.Commits - commits, timings.Imitations - imitations);
        }

        var pending = fixture.NewCitizen();
        await fixture.Account(pending).DeclareAsync(ClusterFixture.DeclarationOf(pending));
        var locked = await ActiveAsync();
        await fixture.Account(locked).LockAsync(new Actor(ActorRole.Officer, "officer-hn-01"), "test");
        var ids = new Dictionary<string, CitizenRecord>
        {
            ["unknown"] = fixture.NewCitizen(), ["pending"] = pending, ["active"] = await ActiveAsync(), ["locked"] = locked,
        };
        var commands = new Dictionary<string, Func<ICitizenAccountGrain, CitizenRecord, Task>>
        {
            ["declaration not matching the registry"] = (g, c) => g.DeclareAsync(ClusterFixture.DeclarationOf(c) with { FullName = "Ai Đó" }),
            ["activation code resent"] = (g, _) => g.ResendOtpAsync(),
            ["wrong activation code"] = (g, _) => g.ActivateAsync("000000", Password),
            ["recovery with a wrong detail"] = (g, c) => g.StartRecoveryAsync(RecoveryOf(c) with { FullName = "Ai Đó" }),
            ["recovery with every detail right"] = (g, c) => g.StartRecoveryAsync(RecoveryOf(c)),
            ["recovery by the chip"] = (g, c) => g.StartNfcRecoveryAsync(fixture.Chips.Issuer.Issue(c)),
            ["wrong recovery code"] = (g, _) => g.CompleteRecoveryAsync("000000", NewPassword),
            ["wrong password"] = (g, _) => g.LogInAsync("Wrong@1"),
            ["step-up code asked for"] = (g, _) => g.RequestStepUpCodeAsync(Password),
        };
        foreach (var (state, citizen) in ids)
        {
            foreach (var (name, command) in commands)
            {
                var (commits, imitations) = await Counted(() => command(fixture.Account(citizen), citizen));
                Assert.True(commits + imitations == 1, $"{state}, {name}: {commits} commit(s), {imitations} imitation(s)");
                if (state == "unknown") Assert.Equal(0, commits);
            }
        }
        Assert.Null(await fixture.Account(ids["unknown"]).GetAsync());
    }

    [Fact]
    public async Task Squatting_e_mail_is_a_second_channel_the_owner_confirms_and_the_phone_on_record_is_told()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        const string address = "nhung.owner@example.vn";
        Assert.Equal(120, (await grain.RequestEmailAsync(address)).Value);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(address, 1))[0]);
        Assert.Null((await grain.GetAsync())!.Email);

        Assert.Equal("otp_invalid", (await grain.ConfirmEmailAsync(code == "000000" ? "111111" : "000000")).Error!.Code);
        Assert.Equal(address, (await grain.ConfirmEmailAsync(code)).Value!.Email);
        Assert.Contains("Thong tin lien he", (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1].Body);
        Assert.Equal("otp_expired", (await grain.ConfirmEmailAsync(code)).Error!.Code);

        // From now on the owner's notices reach the e-mail too.
        await grain.LockAsync(new Actor(ActorRole.Citizen, citizen.IdNumber), "test");
        Assert.Contains("bị khoá", (await fixture.Sender.WaitForAsync(address, 3))[^1].Body);
    }

    [Fact]
    public async Task A_refresh_token_rotates_and_a_reused_one_closes_the_session()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        var first = (await grain.LogInAsync(Password)).Value!;
        var parts = first.RefreshToken.Split('.');
        Assert.Equal(citizen.IdNumber, parts[0]);
        Assert.Equal(first.SessionId, parts[1]);

        var second = (await grain.RefreshAsync(first.SessionId, parts[2])).Value!;
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotNull(await grain.GetForSessionAsync(first.SessionId));

        var reuse = await grain.RefreshAsync(first.SessionId, parts[2]);
        Assert.Equal("refresh_reused", reuse.Error!.Code);
        Assert.Null(await grain.GetForSessionAsync(first.SessionId));
        Assert.Equal("refresh_invalid", (await grain.RefreshAsync(second.SessionId, second.RefreshToken.Split('.')[2])).Error!.Code);
        Assert.Contains("phien dang nhap bat thuong", (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1].Body);

        var other = (await grain.LogInAsync(Password)).Value!;
        Assert.Equal("refresh_invalid", (await grain.RefreshAsync(other.SessionId, "not-the-secret")).Error!.Code);
        await grain.LogOutAsync(other.SessionId);
        Assert.Null(await grain.GetForSessionAsync(other.SessionId));
    }

    [Fact]
    public async Task Recovery_with_every_detail_right_sends_a_code_that_sets_a_new_password_and_ends_all_sessions()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        var session = (await grain.LogInAsync(Password)).Value!;
        for (var i = 0; i < 3; i++) await grain.LogInAsync("Wrong@" + i);

        fixture.Clock.Advance(TimeSpan.FromSeconds(61)); // the activation code's send cooldown
        await grain.StartRecoveryAsync(RecoveryOf(citizen));
        var sms = (await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1];
        Assert.Contains("khoi phuc mat khau", sms.Body);

        Assert.Equal("validation_failed", (await grain.CompleteRecoveryAsync(RecordingSender.CodeIn(sms), "weak")).Error!.Code);
        Assert.True((await grain.CompleteRecoveryAsync(RecordingSender.CodeIn(sms), NewPassword)).Succeeded);

        Assert.Null(await grain.GetForSessionAsync(session.SessionId));
        Assert.Equal("invalid_credentials", (await grain.LogInAsync(Password)).Error!.Code);
        Assert.NotNull((await grain.LogInAsync(NewPassword)).Value);
        Assert.Equal("otp_invalid", (await grain.CompleteRecoveryAsync(RecordingSender.CodeIn(sms), NewPassword)).Error!.Code);
        Assert.Contains("da duoc thay doi", (await fixture.Sender.WaitForAsync(citizen.Phone!, 4))[^1].Body);

        // The counters were cleared: four more failures are not yet a lockout.
        for (var i = 0; i < 4; i++) Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@" + i)).Error!.Code);
    }

    [Fact]
    public async Task Recovery_with_any_detail_wrong_sends_nothing_and_is_audited()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        var right = RecoveryOf(citizen);
        foreach (var wrong in new[]
                 {
                     right with { Phone = "0900000001" },
                     right with { FullName = citizen.FullName + " A" },
                     right with { DateOfBirth = citizen.DateOfBirth.AddDays(1) },
                     right with { CardIssuedOn = citizen.CardIssuedOn!.Value.AddDays(1) },
                 })
        {
            await grain.StartRecoveryAsync(wrong);
        }
        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.RecoveryRefused);
        await Task.Delay(200);
        Assert.Equal(2, fixture.Sender.To(citizen.Phone!).Count);
        Assert.Equal("otp_invalid", (await grain.CompleteRecoveryAsync("123456", NewPassword)).Error!.Code);
    }

    [Fact]
    public async Task Recovery_for_an_unknown_id_answers_as_a_wrong_code_would()
    {
        var real = await ActiveAsync();
        var unknown = fixture.Client.GetGrain<ICitizenAccountGrain>(fixture.NewCitizen().IdNumber);
        await unknown.StartRecoveryAsync(new StartRecovery("0911111111", "Ai Đó", new DateOnly(1990, 1, 1), new DateOnly(2022, 1, 1)));
        for (var i = 0; i < 6; i++)
        {
            var a = (await fixture.Account(real).CompleteRecoveryAsync("00000" + i, NewPassword)).Error!;
            var b = (await unknown.CompleteRecoveryAsync("00000" + i, NewPassword)).Error!;
            Assert.Equal((a.Code, a.Detail, a.RetryAfterSeconds), (b.Code, b.Detail, b.RetryAfterSeconds));
        }
        Assert.Null(await unknown.GetAsync());
    }

    [Fact]
    public async Task The_audit_chain_holds_every_security_event_and_no_secret()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        await grain.LogInAsync("Wrong@1");
        var grant = (await grain.LogInAsync(Password)).Value!;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.StartRecoveryAsync(RecoveryOf(citizen));
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1]);
        await grain.CompleteRecoveryAsync(code, NewPassword);

        var trail = await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.PasswordChanged);
        Assert.Equal(
            [AccountEventKind.Declared, AccountEventKind.Activated, AccountEventKind.LoginFailed, AccountEventKind.LoginSucceeded,
             AccountEventKind.RecoveryRequested, AccountEventKind.PasswordChanged],
            trail.Select(e => e.Kind));
        var (entries, head) = await fixture.Audit.ReadAsync(citizen.IdNumber);
        Assert.Empty(AuditChain.Verify(entries, head));

        var everything = JsonSerializer.Serialize(entries) + JsonSerializer.Serialize(await fixture.StoredStateAsync(citizen));
        foreach (var secret in new[] { Password, NewPassword, "Wrong@1", code, grant.RefreshToken.Split('.')[2] })
            Assert.DoesNotContain(secret, everything);
    }
}
