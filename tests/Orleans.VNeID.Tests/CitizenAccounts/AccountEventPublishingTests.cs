using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Events;
using Orleans.VNeID.Grains.Events;
using Orleans.VNeID.Tests.Gateway;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// Every committed account event reaches the account-events stream once, with its stable id and no secret (issue 12),
/// and the security-events consumer owes relying parties what matters to them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountEventPublishingTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    [Fact]
    public async Task Every_event_of_an_accounts_life_is_published_once_in_order_of_its_sequence_without_a_secret()
    {
        var http = _gateway.CreateClient();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var account = fixture.Account(citizen);
        var officer = new Actor(ActorRole.Officer, "officer-hn-01");
        var secrets = new List<string> { "Nhoquan@123", RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 1))[0]) };

        // The repeat declaration (once the send limit allows telling the owner) and the lockout of wrong passwords.
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        (await http.PostAsJsonAsync("/api/v1/accounts", GatewayFactory.DeclarationBody(citizen))).EnsureSuccessStatusCode();
        for (var i = 0; i < 5; i++) secrets.Add($"Wrong@Pass{i}");
        foreach (var wrong in secrets.Skip(2)) await account.LogInAsync(wrong);
        fixture.Clock.Advance(TimeSpan.FromMinutes(6));

        // A login and a logout, a lock and an unlock by an officer, an officer reading the profile, a confirmed e-mail.
        var grant = (await account.LogInAsync("Nhoquan@123")).Value!;
        secrets.AddRange([grant.SessionId, grant.RefreshToken]);
        await account.LogOutAsync(grant.SessionId);
        await account.LockAsync(officer, "lost phone");
        await account.UnlockAsync(officer, "owner came to the office");
        await account.RecordStaffReadAsync(officer, "CAP-HG", "profile", "the citizen asked at the desk");
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await account.RequestEmailAsync("events.owner@example.vn");
        var emailCode = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync("events.owner@example.vn", 1))[0]);
        secrets.Add(emailCode);
        await account.ConfirmEmailAsync(emailCode);

        // Recovery with a new password, then level 2 at the desk (approved, wallet, activated with the level-2 code).
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await account.StartRecoveryAsync(new StartRecovery(citizen.Phone!, citizen.FullName, citizen.DateOfBirth, citizen.CardIssuedOn!.Value));
        var recoveryCode = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 1))[^1]);
        secrets.AddRange([recoveryCode, "Moi@Matkhau9"]);
        Assert.True((await account.CompleteRecoveryAsync(recoveryCode, "Moi@Matkhau9")).Succeeded);
        await Level2AtTheDeskAsync(http, citizen, secrets);

        // Every event the account committed (its audit chain) reaches the stream's consumer exactly once.
        var committed = await WaitForAllAsync(citizen.IdNumber);
        Assert.All(committed, e => Assert.Equal(1, fixture.StreamConsumer.Receipts[e.EventId]));
        var published = committed.Select(e => fixture.StreamConsumer.Received[e.EventId]).ToArray();
        Assert.Equal(committed.Select(e => (e.Sequence, e.Kind, e.From, e.To, e.Actor.Role)),
            published.Select(p => (p.Sequence, p.Kind, p.From, p.To, p.ActorRole)));
        AccountEventKind[] expected =
        [
            AccountEventKind.Declared, AccountEventKind.Activated, AccountEventKind.DeclarationRepeated, AccountEventKind.LoginFailed,
            AccountEventKind.LoginLockedOut, AccountEventKind.LoginSucceeded, AccountEventKind.LoggedOut, AccountEventKind.Locked,
            AccountEventKind.Unlocked, AccountEventKind.StaffRead, AccountEventKind.OtpIssued, AccountEventKind.ContactChanged,
            AccountEventKind.RecoveryRequested, AccountEventKind.PasswordChanged, AccountEventKind.Level2Approved, AccountEventKind.WalletChanged,
        ];
        Assert.Equal([], expected.Except(published.Select(p => p.Kind)));
        Assert.Contains(published, p => p.Kind == AccountEventKind.Locked && p.ActorRole == ActorRole.Officer && p.ActorId == officer.Id);

        // No secret and no personal data beyond the ID number: an event is what happened, to which account, when and by
        // whom, nothing else; no password, code, token, name, phone, e-mail or template in what it says. (The ID number
        // and the times are left out of the search: a 6-digit code could appear in them by chance.)
        Assert.Equal(["AccountId", "ActorId", "ActorRole", "EventId", "From", "Kind", "OccurredAt", "Sequence", "To"],
            typeof(PublishedAccountEvent).GetProperties().Select(p => p.Name).Order());
        var json = JsonSerializer.Serialize(published.Select(p => new { p.Kind, p.From, p.To, p.ActorRole, ActorId = p.ActorId == p.AccountId ? "" : p.ActorId }));
        foreach (var secret in secrets.Concat([citizen.FullName, citizen.Phone!, "events.owner@example.vn"]))
            Assert.DoesNotContain(secret, json);

        // Relying parties are owed the lock, the unlock, the logout, the new password, the new e-mail and level 2.
        var owed = committed.Where(e => fixture.SecurityEvents.Owed.ContainsKey(e.EventId))
            .SelectMany(e => fixture.SecurityEvents.Owed[e.EventId]).Select(s => s.Type[(s.Type.LastIndexOf('/') + 1)..]).ToArray();
        Assert.Equal(["session-revoked", "account-disabled", "account-enabled", "identifier-changed", "credential-change", "assurance-level-change"],
            owed.Distinct());

        // The credentials issued for the account: suspended in the status list by the lock, valid again after the unlock.
        CredentialStatusChange[] Changes() => [.. fixture.CredentialStatuses.Applied.Where(c => c.AccountId == citizen.IdNumber).Select(c => c.Change)];
        for (var deadline = DateTime.UtcNow.AddSeconds(10); Changes().Length < 2 && DateTime.UtcNow < deadline;) await Task.Delay(100);
        Assert.Equal([CredentialStatusChange.Suspend, CredentialStatusChange.Resume], Changes());
    }

    /// <summary>The account's committed events, once the consumer has received every one of them.</summary>
    private async Task<AccountEvent[]> WaitForAllAsync(string accountId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var committed = fixture.Audit.Events.Where(e => e.AccountId == accountId).OrderBy(e => e.Sequence).ToArray();
            if (committed.All(e => fixture.StreamConsumer.Receipts.ContainsKey(e.EventId)) && committed.Any(e => e.Kind == AccountEventKind.WalletChanged))
            {
                await Task.Delay(500); // a repeat, were there one, would arrive meanwhile
                return committed;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not received: {string.Join(", ", committed.Where(e => !fixture.StreamConsumer.Receipts.ContainsKey(e.EventId)).Select(e => e.Kind))}");
            await Task.Delay(50);
        }
    }

    private async Task Level2AtTheDeskAsync(HttpClient http, Orleans.VNeID.Grains.Registry.CitizenRecord citizen, List<string> secrets)
    {
        fixture.Papers.Register(citizen.IdNumber, Orleans.VNeID.Dossiers.DocumentKind.HealthInsuranceCard, "DN4" + citizen.IdNumber);
        fixture.Papers.Register(citizen.IdNumber, Orleans.VNeID.Dossiers.DocumentKind.DriverLicence, citizen.IdNumber);
        var (dossier, officer) = await _gateway.Level2AtTheDeskAsync(http, citizen, "Muc2@Matkhau", secrets,
            new object[] { new { kind = "healthInsuranceCard", number = "DN4" + citizen.IdNumber, issuer = "Bảo hiểm xã hội Việt Nam" } });
        (await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/offices/CAP-HG/dossiers/{dossier}/papers", officer,
            new { kind = "driverLicence", number = citizen.IdNumber }))).EnsureSuccessStatusCode();
    }
}
