using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

using Orleans.VNeID.Tests.Security;

using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

[Collection(ClusterCollection.Name)]
public class CitizenAccountGrainTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    private static readonly Actor Officer = new(ActorRole.Officer, "officer-hn-01");

    private async Task<(CitizenRecord Citizen, string Code)> DeclaredAsync()
    {
        var citizen = fixture.NewCitizen();
        var result = await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen));
        Assert.True(result.Succeeded, result.Error?.Detail);
        var messages = await fixture.Sender.WaitForAsync(citizen.Phone!, 1);
        return (citizen, RecordingSender.CodeIn(messages[^1]));
    }

    private async Task<CitizenRecord> ActiveAsync()
    {
        var (citizen, code) = await DeclaredAsync();
        var result = await fixture.Account(citizen).ActivateAsync(code, Password);
        Assert.True(result.Succeeded, result.Error?.Detail);
        return citizen;
    }

    [Fact]
    public async Task A_matching_declaration_sends_a_six_digit_code_to_the_phone_on_record_and_waits_for_activation()
    {
        var citizen = fixture.NewCitizen();
        var result = await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen));

        Assert.True(result.Succeeded);
        Assert.Equal(120, result.Value);
        var account = (await fixture.Account(citizen).GetAsync())!;
        Assert.Equal(AccountStatus.PendingActivation, account.Status);
        Assert.Equal(AccountLevel.Level1, account.ActivationTarget);
        Assert.Equal(AccountLevel.None, account.Level);
        Assert.Equal(fixture.Clock.GetUtcNow().AddSeconds(120), account.OtpExpiresAt);
        Assert.EndsWith(citizen.Phone![^3..], account.MaskedPhone);
        Assert.DoesNotContain(citizen.Phone[..7], account.MaskedPhone);

        var sms = (await fixture.Sender.WaitForAsync(citizen.Phone, 1)).Single();
        Assert.Matches("^[0-9]{6} la ma xac thuc tai khoan dinh danh dien tu\\. Ma co hieu luc trong 2 phut$", sms.Body);
    }

    [Fact]
    public async Task Squatting_a_declaration_with_another_phone_sends_the_code_only_to_the_phone_on_record()
    {
        var citizen = fixture.NewCitizen();
        const string squatter = "0988000111";
        var result = await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen) with { Phone = squatter });

        Assert.True(result.Succeeded);
        Assert.Single(await fixture.Sender.WaitForAsync(citizen.Phone!, 1));
        Assert.Empty(fixture.Sender.To(squatter));
        Assert.EndsWith(citizen.Phone![^3..], (await fixture.Account(citizen).GetAsync())!.MaskedPhone);
        var stored = await fixture.StoredStateAsync(citizen);
        Assert.Equal(citizen.Phone, stored.Phone);
    }

    [Fact]
    public async Task Squatting_a_citizen_without_a_phone_on_record_is_told_to_register_in_person()
    {
        var citizen = fixture.NewCitizen(hasPhone: false);
        var result = await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen) with { Phone = "0988000112" });
        Assert.Equal("no_phone_on_record", result.Error!.Code);
        Assert.Null(await fixture.Account(citizen).GetAsync());
        Assert.Empty(fixture.Sender.To("0988000112"));
    }

    [Fact]
    public async Task Registry_mismatches_count_per_id_number_and_past_the_budget_even_a_match_is_refused()
    {
        var citizen = fixture.NewCitizen();
        var grain = fixture.Account(citizen);
        for (var i = 1; i <= 5; i++)
            Assert.Equal("registry_mismatch", (await grain.DeclareAsync(ClusterFixture.DeclarationOf(citizen) with { FullName = $"Sai Ten {(char)('A' + i)}" })).Error!.Code);

        var refused = await grain.DeclareAsync(ClusterFixture.DeclarationOf(citizen));
        Assert.Equal("declaration_attempts_exceeded", refused.Error!.Code);
        Assert.Equal(429, refused.Error.Error.Status);
        Assert.Empty(fixture.Sender.To(citizen.Phone!));

        fixture.Clock.Advance(TimeSpan.FromHours(24));
        Assert.True((await grain.DeclareAsync(ClusterFixture.DeclarationOf(citizen))).Succeeded);
    }

    [Fact]
    public async Task A_declaration_the_registry_does_not_confirm_is_refused_and_leaves_nothing()
    {
        var citizen = fixture.NewCitizen(fullName: "Lê Văn Tám");
        var grain = fixture.Account(citizen);

        foreach (var declared in new[]
                 {
                     ClusterFixture.DeclarationOf(citizen) with { FullName = "Lệ Văn Tám" },
                     ClusterFixture.DeclarationOf(citizen) with { FullName = "Le Van Tam" },
                     ClusterFixture.DeclarationOf(citizen) with { DateOfBirth = citizen.DateOfBirth.AddDays(1) },
                 })
        {
            var result = await grain.DeclareAsync(declared);
            Assert.Equal("registry_mismatch", result.Error!.Code);
            Assert.Equal(422, result.Error.Error.Status);
        }
        Assert.Null(await grain.GetAsync());

        var unknown = fixture.Client.GetGrain<ICitizenAccountGrain>(PersonalIdNumber.Create("096", 1980, Gender.Male, 999_999).Value);
        var refused = await unknown.DeclareAsync(new DeclareAccount("Cà Văn Mau", new DateOnly(1980, 1, 1), Gender.Male, "0911111111"));
        Assert.Equal("registry_mismatch", refused.Error!.Code);
        Assert.Null(await unknown.GetAsync());
    }

    [Fact]
    public async Task Whitespace_case_and_unicode_form_do_not_stop_a_match()
    {
        var citizen = fixture.NewCitizen(fullName: "Đặng Thị Lan");
        var declared = ClusterFixture.DeclarationOf(citizen) with { FullName = "  ĐẶNG   thị lan ".Normalize(System.Text.NormalizationForm.FormD) };
        var result = await fixture.Account(citizen).DeclareAsync(declared);
        Assert.True(result.Succeeded, result.Error?.Detail);
        Assert.Equal("Đặng Thị Lan", (await fixture.Account(citizen).GetAsync())!.FullName);
    }

    [Fact]
    public async Task A_citizen_under_fourteen_cannot_register()
    {
        var child = fixture.NewCitizen(age: 13);
        var result = await fixture.Account(child).DeclareAsync(ClusterFixture.DeclarationOf(child));
        Assert.Equal("under_minimum_age", result.Error!.Code);
        Assert.Null(await fixture.Account(child).GetAsync());
    }

    [Fact]
    public async Task An_id_number_that_disagrees_with_the_birth_date_or_gender_is_invalid()
    {
        var citizen = fixture.NewCitizen(gender: Gender.Female);
        var result = await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen) with { Gender = Gender.Male });
        Assert.Equal(400, result.Error!.Error.Status);
        Assert.Contains("idNumber", result.Error.FieldErrors!.Keys);
    }

    [Fact]
    public async Task A_second_declaration_answers_like_the_first_and_tells_the_owner_not_the_declarer()
    {
        var citizen = await ActiveAsync();
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var first = ClusterFixture.DeclarationOf(citizen);
        var again = await fixture.Account(citizen).DeclareAsync(first with { Phone = "0999999999" });

        var fresh = fixture.NewCitizen();
        var brandNew = await fixture.Account(fresh).DeclareAsync(ClusterFixture.DeclarationOf(fresh));
        Assert.Equal(brandNew, again);

        var owner = await fixture.Sender.WaitForAsync(citizen.Phone!, 3);
        Assert.Contains("Tai khoan cua ban da ton tai", owner[^1].Body);
        Assert.Empty(fixture.Sender.To("0999999999"));
        Assert.Equal(AccountStatus.Level1, (await fixture.Account(citizen).GetAsync())!.Status);
        await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.DeclarationRepeated);
    }

    [Fact]
    public async Task Activation_with_the_code_and_a_good_password_gives_level_one_and_a_login()
    {
        var (citizen, code) = await DeclaredAsync();
        var grain = fixture.Account(citizen);

        var activated = await grain.ActivateAsync(code, Password);
        Assert.Equal(AccountStatus.Level1, activated.Value!.Status);
        Assert.Equal(AccountLevel.Level1, activated.Value.Level);
        Assert.Null(activated.Value.OtpExpiresAt);
        var messages = await fixture.Sender.WaitForAsync(citizen.Phone!, 2);
        Assert.Contains("da duoc kich hoat", messages[^1].Body);

        var login = await grain.LogInAsync(Password);
        Assert.Equal(citizen.IdNumber, login.Value!.IdNumber);
        Assert.Equal(AccountLevel.Level1, login.Value.Level);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync("Nhoquan@124")).Error!.Code);
        Assert.Equal("otp_invalid", (await grain.ActivateAsync(code, Password)).Error!.Code);
    }

    [Fact]
    public async Task A_weak_password_is_refused_without_spending_the_code()
    {
        var (citizen, code) = await DeclaredAsync();
        var weak = await fixture.Account(citizen).ActivateAsync(code, "password");
        Assert.Equal(400, weak.Error!.Error.Status);
        Assert.Contains("password", weak.Error.FieldErrors!.Keys);
        Assert.True((await fixture.Account(citizen).ActivateAsync(code, Password)).Succeeded);
    }

    [Fact]
    public async Task Five_wrong_codes_void_the_code_without_locking_anything_a_stranger_could_use_against_the_owner()
    {
        var (citizen, code) = await DeclaredAsync();
        var grain = fixture.Account(citizen);
        var wrong = code == "000000" ? "111111" : "000000";
        // Anyone who knows the ID number can enter codes here: the code is void after five, with the one answer for any
        // wrong code, and no lockout stands between the owner and a new code.
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal("otp_invalid", (await grain.ActivateAsync(wrong, Password)).Error!.Code);
        Assert.Equal("otp_invalid", (await grain.ActivateAsync(code, Password)).Error!.Code);
        Assert.Equal(AccountStatus.PendingActivation, (await grain.GetAsync())!.Status);

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await grain.ResendOtpAsync();
        var fresh = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 2))[^1]);
        Assert.Equal(AccountStatus.Level1, (await grain.ActivateAsync(fresh, Password)).Value!.Status);
    }

    [Fact]
    public async Task A_code_expires_after_its_validity_and_a_new_one_works()
    {
        var (citizen, code) = await DeclaredAsync();
        var grain = fixture.Account(citizen);
        fixture.Clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal("otp_invalid", (await grain.ActivateAsync(code, Password)).Error!.Code);

        await grain.ResendOtpAsync();
        var fresh = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 2))[^1]);
        if (fresh != code) Assert.Equal("otp_invalid", (await grain.ActivateAsync(code, Password)).Error!.Code);
        Assert.True((await grain.ActivateAsync(fresh, Password)).Succeeded);
    }

    [Fact]
    public async Task Resending_respects_the_cooldown_and_the_hourly_limit()
    {
        var (citizen, _) = await DeclaredAsync();
        var grain = fixture.Account(citizen);
        var limit = new OtpOptions().MaxAnonymousSendsPerHour;

        // Nothing is answered (the route tells nobody whether an account waits); what is sent shows the limits.
        await grain.ResendOtpAsync();
        Assert.Single(fixture.Sender.To(citizen.Phone!));

        for (var send = 2; send <= limit; send++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(60));
            await grain.ResendOtpAsync();
            Assert.Equal(send, (await fixture.Sender.WaitForAsync(citizen.Phone!, send)).Count);
        }
        fixture.Clock.Advance(TimeSpan.FromSeconds(60));
        await grain.ResendOtpAsync();
        Assert.Equal(limit, fixture.Sender.To(citizen.Phone!).Count);

        fixture.Clock.Advance(TimeSpan.FromMinutes(58));
        await grain.ResendOtpAsync();
        Assert.Equal(limit + 1, (await fixture.Sender.WaitForAsync(citizen.Phone!, limit + 1)).Count);
    }

    [Fact]
    public async Task Commands_on_an_undeclared_account_answer_as_for_any_account()
    {
        var citizen = fixture.NewCitizen();
        var grain = fixture.Account(citizen);
        await grain.ResendOtpAsync();
        Assert.Empty(fixture.Sender.To(citizen.Phone!));
        Assert.Equal("otp_invalid", (await grain.ActivateAsync("123456", Password)).Error!.Code);
        Assert.Equal("account_not_found", (await grain.LockAsync(Officer, "test")).Error!.Code);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync(Password)).Error!.Code);
    }

    [Fact]
    public async Task Lock_by_the_owner_and_unlock_by_an_officer_return_the_account_where_it_was()
    {
        var citizen = await ActiveAsync();
        var grain = fixture.Account(citizen);
        var owner = new Actor(ActorRole.Citizen, citizen.IdNumber);

        var locked = await grain.LockAsync(owner, "Lost my phone");
        Assert.Equal(AccountStatus.Locked, locked.Value!.Status);
        Assert.Equal(AccountStatus.Level1, locked.Value.Lock!.ReturnsTo);
        Assert.Equal(ActorRole.Citizen, locked.Value.Lock.LockedBy);
        // A locked account answers a login like a wrong password: the owner knows, a guesser learns nothing.
        Assert.Equal("invalid_credentials", (await grain.LogInAsync(Password)).Error!.Code);
        Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@1234")).Error!.Code);

        var again = await grain.LockAsync(owner, "again");
        Assert.Equal("invalid_state", again.Error!.Code);
        Assert.Equal([nameof(AccountTrigger.Unlock)], again.Error.PermittedTriggers);

        Assert.Equal("forbidden", (await grain.UnlockAsync(owner, "let me in")).Error!.Code);
        var unlocked = await grain.UnlockAsync(Officer, "Identity checked at the desk");
        Assert.Equal(AccountStatus.Level1, unlocked.Value!.Status);
        Assert.Null(unlocked.Value.Lock);
        Assert.NotNull((await grain.LogInAsync(Password)).Value);

        var messages = await fixture.Sender.WaitForAsync(citizen.Phone!, 4);
        Assert.Contains("da bi khoa", messages[2].Body);
        Assert.Contains("da duoc mo khoa", messages[3].Body);
        await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.Unlocked);
        var (trail, head) = await fixture.Audit.ReadAsync(citizen.IdNumber);
        Assert.Empty(Orleans.VNeID.Grains.Audit.AuditChain.Verify(trail, head));
        var lockEntry = trail.Single(e => e.Kind == AccountEventKind.Locked);
        Assert.Equal((ActorRole.Citizen, citizen.IdNumber, "Lost my phone"), (lockEntry.ActorRole, lockEntry.ActorId, lockEntry.Reason));
        var unlockEntry = trail.Single(e => e.Kind == AccountEventKind.Unlocked);
        Assert.Equal((ActorRole.Officer, "officer-hn-01"), (unlockEntry.ActorRole, unlockEntry.ActorId));
    }

    [Fact]
    public async Task A_pending_account_can_be_locked_and_returns_to_pending()
    {
        var (citizen, code) = await DeclaredAsync();
        var grain = fixture.Account(citizen);
        Assert.True((await grain.LockAsync(Officer, "Suspicious registration")).Succeeded);
        Assert.Equal("otp_invalid", (await grain.ActivateAsync(code, Password)).Error!.Code);
        var unlocked = await grain.UnlockAsync(new Actor(ActorRole.Operator, "operator-01"), "Cleared");
        Assert.Equal(AccountStatus.PendingActivation, unlocked.Value!.Status);
        Assert.Equal(AccountLevel.Level1, unlocked.Value.ActivationTarget);
    }

    [Fact]
    public async Task State_survives_deactivation_and_holds_no_secret_in_plain_text()
    {
        var (citizen, code) = await DeclaredAsync();
        var before = await fixture.StoredStateAsync(citizen);
        var storedJson = JsonSerializer.Serialize(before);
        Assert.DoesNotContain(code, storedJson);
        Assert.NotNull(before.Otp);
        // The code travels sealed: the seal's format (version, nonce, tag, six bytes of ciphertext), not the digits,
        // and only the sealing key opens it again.
        var sealer = new SecretSealer(Microsoft.Extensions.Options.Options.Create(new SealingOptions { SealingKey = SecretTests.KeyB }));
        var seals = before.PendingEvents.SelectMany(e => e.Notifications).Where(n => n.Channel != NotificationChannel.App).Select(n => n.SealedCode!).ToArray();
        // The app's notice carries no code at all.
        Assert.All(before.PendingEvents.SelectMany(e => e.Notifications).Where(n => n.Channel == NotificationChannel.App), n => Assert.Null(n.SealedCode));
        Assert.NotEmpty(seals);
        Assert.All(seals, seal =>
        {
            Assert.Equal(1, seal[0]);
            Assert.Equal(1 + 12 + 16 + OneTimeCode.Digits, seal.Length);
            Assert.False(seal.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(code)) >= 0);
            Assert.Equal(code, sealer.Open(seal, citizen.IdNumber));
        });

        Assert.True((await fixture.Account(citizen).ActivateAsync(code, Password)).Succeeded);
        await fixture.Cluster.DeactivateAsync((GrainReference)fixture.Account(citizen));

        var after = await fixture.StoredStateAsync(citizen);
        Assert.Equal(AccountStatus.Level1, after.Lifecycle.Status);
        Assert.StartsWith("AQAAAA", after.PasswordHash);
        Assert.DoesNotContain(Password, JsonSerializer.Serialize(after));
        Assert.NotNull((await fixture.Account(citizen).LogInAsync(Password)).Value);
    }

    [Fact]
    public async Task Delivered_events_are_dropped_from_the_account_with_its_next_write()
    {
        var (citizen, code) = await DeclaredAsync();
        Assert.Contains((await fixture.StoredStateAsync(citizen)).PendingEvents, e => e.Kind == AccountEventKind.Declared);

        // A reactivation hands the stored event over again; the outbox keeps one message.
        await fixture.Cluster.DeactivateAsync((GrainReference)fixture.Account(citizen));
        Assert.True((await fixture.Account(citizen).ActivateAsync(code, Password)).Succeeded);
        Assert.Single(await fixture.Sender.WaitForAsync(citizen.Phone!, 2), m => m.Kind == AccountEventKind.Declared);

        var stored = await fixture.StoredStateAsync(citizen);
        Assert.DoesNotContain(stored.PendingEvents, e => e.Kind == AccountEventKind.Declared);
    }

    [Fact]
    public async Task A_message_whose_delivery_failed_is_sent_again_and_only_once()
    {
        var citizen = fixture.NewCitizen();
        fixture.Sender.FailFor(citizen.Phone!, 3);
        Assert.True((await fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen))).Succeeded);

        var delivered = await fixture.Sender.WaitForAsync(citizen.Phone!, 1, TimeSpan.FromSeconds(30));
        Assert.Single(delivered);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(fixture.Sender.To(citizen.Phone!));
    }

    [Fact]
    public async Task A_database_failure_reaches_the_caller_as_unavailable_and_changes_nothing()
    {
        var citizen = fixture.NewCitizen();
        fixture.Registry.FailFor(citizen.IdNumber);
        var failure = await Assert.ThrowsAsync<PlatformUnavailableException>(
            () => fixture.Account(citizen).DeclareAsync(ClusterFixture.DeclarationOf(citizen)));
        Assert.DoesNotContain("connection refused", failure.Message);
        Assert.Null(await fixture.Account(citizen).GetAsync());
    }
}
