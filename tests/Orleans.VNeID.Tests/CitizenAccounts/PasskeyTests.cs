using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.LoadDriver;
using Orleans.VNeID.Tests.Grains;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// Passkeys in the account grain, checked by Fido2 against a software authenticator: added on an open session, a sign-in
/// alone or as the second factor, every ceremony detail that must refuse, the counter's clone detection, removal; and
/// the QR sign-in's grain and the session a phone's approval opens.
/// </summary>
[Collection(ClusterCollection.Name)]
public class PasskeyTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    private const string Origin = "http://localhost:8080";
    private static readonly PasskeyParty Party = new("localhost", "VNeID", [Origin]);

    private static byte[] Challenge() => RandomNumberGenerator.GetBytes(41);

    private static PasskeyAnswer Answer(string json, byte[] challenge) => new(json, challenge);

    /// <summary>An active account signed in, with a passkey added through the creation options; its session and the passkey.</summary>
    private async Task<(CitizenRecordAndGrain Account, string Session, SoftwareAuthenticator Key)> WithPasskeyAsync(uint counter = 0)
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        var session = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        var challenge = Challenge();
        var options = JsonDocument.Parse((await grain.PasskeyCreationOptionsAsync(session, Party, challenge)).Value!).RootElement;
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Equal(Base64Url.EncodeToString(challenge), options.GetProperty("challenge").GetString());
        var handle = Base64Url.DecodeFromChars(options.GetProperty("user").GetProperty("id").GetString()!);
        var key = new SoftwareAuthenticator("localhost", Origin, handle) { Counter = counter };
        var added = await grain.AddPasskeyAsync(session, Party, Answer(key.Attest(Base64Url.EncodeToString(challenge)), challenge), "Điện thoại\u0007 của tôi");
        Assert.Equal("Điện thoại của tôi", added.Value!.Name);
        return (new CitizenRecordAndGrain(citizen, grain), session, key);
    }

    public sealed record CitizenRecordAndGrain(Orleans.VNeID.Grains.Registry.CitizenRecord Citizen, ICitizenAccountGrain Grain)
    {
        public string IdNumber => Citizen.IdNumber;
    }

    private static Task<Result<SignInProof>> SignInAsync(ICitizenAccountGrain grain, SoftwareAuthenticator key, string? origin = null,
        bool userVerified = true, byte[]? presented = null)
    {
        var challenge = Challenge();
        return grain.SignInWithPasskeyAsync(Party, Answer(key.Assert(Base64Url.EncodeToString(challenge), origin, userVerified), presented ?? challenge), "Chrome, Linux");
    }

    [Fact]
    public async Task An_owner_adds_a_passkey_it_alone_signs_in_as_a_two_factor_sign_in_and_once_removed_it_no_longer_does()
    {
        var (account, session, key) = await WithPasskeyAsync();
        var grain = account.Grain;
        Assert.Equal(1, (await grain.GetAsync())!.Passkeys);
        var owner = await fixture.Client.GetGrain<IPasskeyOwnerGrain>(Base64Url.EncodeToString(
            JsonDocument.Parse(key.Assert("AA")).RootElement.GetProperty("response").GetProperty("userHandle").GetString() is { } h ? Base64Url.DecodeFromChars(h) : [])).OwnerAsync();
        Assert.Equal(account.IdNumber, owner);
        var listed = Assert.Single(await grain.GetPasskeysAsync(session));
        Assert.False(listed.Synced);
        Assert.Empty(await grain.GetPasskeysAsync("not-a-session"));

        var signedIn = await SignInAsync(grain, key);
        Assert.Equal(["hwk", "mfa"], signedIn.Value!.Methods);
        Assert.NotNull(await grain.GetForSessionAsync(signedIn.Value.Grant.SessionId));
        Assert.NotNull((await grain.GetPasskeysAsync(session))[0].LastUsedAt);
        await fixture.Audit.WaitForAsync(account.IdNumber, AccountEventKind.PasskeyAdded);

        // The second factor after a password, on that session only.
        var other = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        var challenge = Challenge();
        var second = await grain.ConfirmSessionWithPasskeyAsync(other, Party, Answer(key.Assert(Base64Url.EncodeToString(challenge)), challenge));
        Assert.Equal(["hwk", "mfa"], second.Value!.Methods);
        Assert.Equal("token_revoked", (await grain.ConfirmSessionWithPasskeyAsync("ended", Party, Answer(key.Assert("AA"), Challenge()))).Error!.Code);

        Assert.True(await grain.RenamePasskeyAsync(session, listed.Handle, "Máy tính"));
        Assert.Equal("Máy tính", (await grain.GetPasskeysAsync(session))[0].Name);
        Assert.True(await grain.RemovePasskeyAsync(session, listed.Handle));
        Assert.False(await grain.RemovePasskeyAsync(session, listed.Handle));
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key)).Error!.Code);
        Assert.Equal(0, (await grain.GetAsync())!.Passkeys);
        await fixture.Audit.WaitForAsync(account.IdNumber, AccountEventKind.PasskeyRemoved);
    }

    [Fact]
    public async Task Another_origin_another_challenge_no_user_verification_and_a_locked_account_are_refused_alike()
    {
        var (account, _, key) = await WithPasskeyAsync();
        var grain = account.Grain;
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key, origin: "http://localhost:9999")).Error!.Code);
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key, presented: Challenge())).Error!.Code);
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key, userVerified: false)).Error!.Code);
        Assert.Equal("passkey_invalid", (await grain.SignInWithPasskeyAsync(Party, Answer("{\"rawId\":5}", Challenge()), null)).Error!.Code);
        // A passkey of another account answers as one this account never had.
        var stranger = new SoftwareAuthenticator("localhost", Origin, RandomNumberGenerator.GetBytes(32));
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, stranger)).Error!.Code);
        Assert.True((await SignInAsync(grain, key)).Succeeded);

        Assert.True((await grain.LockAsync(new Actor(ActorRole.Citizen, account.IdNumber), "lost phone")).Succeeded);
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key)).Error!.Code);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"rawId\":\"AAAA\",\"response\":null}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{}}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"!!!\",\"authenticatorData\":\"*\",\"signature\":\"\"}}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"eyJ0eXBlIjoxfQ\",\"authenticatorData\":\"%RANDOM%\",\"signature\":\"%RANDOM%\",\"userHandle\":\"AA\"}}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"attestationObject\":\"%RANDOM%\"}}")]
    [InlineData("{\"id\":\"x\",\"rawId\":\"%ID%\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"attestationObject\":\"oWNmbXRkbm9uZQ\"}}")]
    public async Task Malformed_answers_are_refused_as_passkey_invalid_and_never_fail(string template)
    {
        var (account, session, key) = await WithPasskeyAsync();
        var json = template.Replace("%ID%", Base64Url.EncodeToString(key.CredentialId))
            .Replace("%RANDOM%", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(77)));
        var grain = account.Grain;
        Assert.Equal("passkey_invalid", (await grain.SignInWithPasskeyAsync(Party, Answer(json, Challenge()), null)).Error!.Code);
        Assert.Equal("passkey_invalid", (await grain.ConfirmSessionWithPasskeyAsync(session, Party, Answer(json, Challenge()))).Error!.Code);
        var challenge = Challenge();
        await grain.PasskeyCreationOptionsAsync(session, Party, challenge);
        Assert.Equal("passkey_invalid", (await grain.AddPasskeyAsync(session, Party, Answer(json, challenge), "x")).Error!.Code);
        Assert.True((await SignInAsync(grain, key)).Succeeded);
    }

    [Fact]
    public async Task A_signature_counter_that_goes_back_is_refused_as_a_cloned_authenticator_and_the_owner_is_told()
    {
        var (account, _, key) = await WithPasskeyAsync(counter: 5);
        key.Counter = 6;
        Assert.True((await SignInAsync(account.Grain, key)).Succeeded);
        key.Counter = 3;
        Assert.Equal("passkey_invalid", (await SignInAsync(account.Grain, key)).Error!.Code);
        await fixture.Audit.WaitForAsync(account.IdNumber, AccountEventKind.PasskeyCloneSuspected);
        key.Counter = 9;
        Assert.True((await SignInAsync(account.Grain, key)).Succeeded);
    }

    [Fact]
    public async Task A_recovery_may_remove_every_passkey_and_the_password_still_signs_in_without_them()
    {
        var (account, _, key) = await WithPasskeyAsync();
        var grain = account.Grain;
        var citizen = account.Citizen;
        // The activation code and the notice of the new passkey came first; the recovery code follows after the cooldown.
        await fixture.Sender.WaitForAsync(citizen.Phone!, 2);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True((await grain.StartRecoveryAsync(new StartRecovery(citizen.Phone!, citizen.FullName, citizen.DateOfBirth, citizen.CardIssuedOn!.Value))).Succeeded);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1]);
        Assert.True((await grain.CompleteRecoveryAsync(code, "Moi@Matkhau9", removePasskeys: true)).Succeeded);
        Assert.Equal(0, (await grain.GetAsync())!.Passkeys);
        Assert.Equal("passkey_invalid", (await SignInAsync(grain, key)).Error!.Code);
        Assert.True((await grain.LogInAsync("Moi@Matkhau9", null)).Succeeded);
    }

    [Fact]
    public async Task A_qr_is_decided_once_completed_once_by_its_own_browser_and_a_lock_ends_the_approval()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        var grain = fixture.Account(citizen);
        var phone = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        var (scan, browser) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var qr = fixture.Client.GetGrain<IQrSignInGrain>(Guid.NewGuid().ToString("N"));
        Assert.True(await qr.StartAsync(new QrSignInRequest(scan, browser, DateTimeOffset.UtcNow.AddMinutes(2), "Cổng", ["a"], "Chrome", "127.0.0.1", DateTimeOffset.UtcNow, ["a"])));
        Assert.False(await qr.StartAsync(new QrSignInRequest(scan, browser, DateTimeOffset.UtcNow.AddMinutes(2), "x", [], null, null, DateTimeOffset.UtcNow, [])));
        Assert.Null(await qr.ShowAsync(browser));
        Assert.Equal("Cổng", (await qr.ShowAsync(scan))!.ServiceName);
        Assert.Equal(QrSignInStatus.Expired, await qr.DecideAsync(browser, true, citizen.IdNumber, phone));
        Assert.Equal(QrSignInStatus.Waiting, await qr.StatusAsync(browser));
        Assert.Equal(QrSignInStatus.Expired, await qr.StatusAsync(scan));
        Assert.Null(await qr.CompleteAsync(browser));
        Assert.Equal(QrSignInStatus.Approved, await qr.DecideAsync(scan, true, citizen.IdNumber, phone));
        Assert.Equal(QrSignInStatus.Approved, await qr.DecideAsync(scan, false, citizen.IdNumber, phone));
        Assert.Null(await qr.ShowAsync(scan));
        Assert.Null(await qr.CompleteAsync(scan));
        var approval = await qr.CompleteAsync(browser);
        Assert.Equal((citizen.IdNumber, phone), (approval!.AccountId, approval.ApprovingSessionId));
        Assert.Null(await qr.CompleteAsync(browser));
        Assert.Equal(QrSignInStatus.Completed, await qr.StatusAsync(browser));

        var computer = await grain.OpenApprovedSessionAsync(phone, "Firefox, Windows", "Cổng");
        Assert.Equal(["mca"], computer.Value!.Methods);
        Assert.NotNull(await grain.GetForSessionAsync(computer.Value.Grant.SessionId));
        Assert.True((await grain.LockAsync(new Actor(ActorRole.Citizen, citizen.IdNumber), "lost phone")).Succeeded);
        Assert.Equal("token_revoked", (await grain.OpenApprovedSessionAsync(phone, null, "Cổng")).Error!.Code);

        var late = fixture.Client.GetGrain<IQrSignInGrain>(Guid.NewGuid().ToString("N"));
        await late.StartAsync(new QrSignInRequest(scan, browser, DateTimeOffset.UtcNow.AddSeconds(-1), "x", [], null, null, DateTimeOffset.UtcNow, []));
        Assert.Null(await late.ShowAsync(scan));
        Assert.Equal(QrSignInStatus.Expired, await late.DecideAsync(scan, true, citizen.IdNumber, phone));
    }

    [Fact]
    public void A_passkey_or_a_code_after_the_password_meets_level_two_and_a_password_alone_does_not()
    {
        static ClaimsPrincipal Signed(params string[] amr) =>
            new(new ClaimsIdentity(amr.Select(m => new Claim(Claims.AuthenticationMethodReference, m)), "test"));
        Assert.Equal(Assurance.Level2, AuthorizeRules.Acr(2, AccountLevel.Level2, Signed("hwk", "mfa")));
        Assert.Equal(Assurance.Level2, AuthorizeRules.Acr(2, AccountLevel.Level2, Signed("pwd", "otp", "mfa")));
        Assert.Equal(Assurance.Level1, AuthorizeRules.Acr(2, AccountLevel.Level2, Signed("pwd")));
        Assert.Equal(Assurance.Level1, AuthorizeRules.Acr(2, AccountLevel.Level2, Signed("mca")));
        Assert.Equal(Assurance.Level1, AuthorizeRules.Acr(1, AccountLevel.Level2, Signed("swk", "mfa")));
        Assert.False(AuthorizeRules.CodeNeeded(2, Signed("swk", "mfa")));
        Assert.True(AuthorizeRules.CodeNeeded(2, Signed("pwd")));
    }

    [Fact]
    public async Task A_challenge_opens_only_for_its_purpose_and_binding_before_it_expires_and_once_across_the_cluster()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var ceremonies = new Orleans.VNeID.Gateway.Passkeys.PasskeyCeremonies(
            Microsoft.Extensions.Options.Options.Create(new Orleans.VNeID.Gateway.Auth.JwtOptions { SigningKey = Convert.ToBase64String(new byte[32]) }),
            Microsoft.Extensions.Options.Options.Create(new OidcOptions { Issuer = "http://localhost:8080" }),
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), clock);
        Assert.Equal(("localhost", Origin), (ceremonies.Party!.RpId, ceremonies.Party.Origins.Single()));
        var key = new SoftwareAuthenticator("localhost", Origin, new byte[32]);
        string Answered(byte[] challenge) => key.Assert(Base64Url.EncodeToString(challenge));
        var grains = fixture.Client;
        const Orleans.VNeID.Gateway.Passkeys.PasskeyPurpose signIn = Orleans.VNeID.Gateway.Passkeys.PasskeyPurpose.SignIn;
        const Orleans.VNeID.Gateway.Passkeys.PasskeyPurpose second = Orleans.VNeID.Gateway.Passkeys.PasskeyPurpose.SecondFactor;

        var bound = ceremonies.Issue(second, "session-1");
        Assert.Null(await ceremonies.OpenAsync(Answered(bound), second, "session-2", grains));
        Assert.Null(await ceremonies.OpenAsync(Answered(bound), signIn, "session-1", grains));
        var opened = await ceremonies.OpenAsync(Answered(bound), second, "session-1", grains);
        Assert.Equal(bound, opened!.Challenge);
        Assert.Null(await ceremonies.OpenAsync(Answered(bound), second, "session-1", grains));

        var forged = ceremonies.Issue(signIn, "");
        forged[5] ^= 1;
        Assert.Null(await ceremonies.OpenAsync(Answered(forged), signIn, "", grains));
        var late = ceremonies.Issue(signIn, "");
        clock.Advance(Orleans.VNeID.Gateway.Passkeys.PasskeyCeremonies.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Null(await ceremonies.OpenAsync(Answered(late), signIn, "", grains));
        Assert.Null(await ceremonies.OpenAsync("{\"response\":{\"clientDataJSON\":\"!!\"}}", signIn, "", grains));

        // An IP-address issuer has no RP ID: passkeys are off.
        var onAddress = new Orleans.VNeID.Gateway.Passkeys.PasskeyCeremonies(
            Microsoft.Extensions.Options.Options.Create(new Orleans.VNeID.Gateway.Auth.JwtOptions { SigningKey = Convert.ToBase64String(new byte[32]) }),
            Microsoft.Extensions.Options.Options.Create(new OidcOptions { Issuer = "http://127.0.0.1:8080" }),
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), clock);
        Assert.Null(onAddress.Party);
        Assert.Equal("http://localhost:8080", OidcProvider.DefaultIssuer("http://127.0.0.1:8080;http://127.0.0.1:8443"));
        Assert.Equal("https://id.example.gov.vn", OidcProvider.DefaultIssuer("https://id.example.gov.vn"));
    }
}
