using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// What the OpenID Connect provider needs of the account: the sessions each event ends (relying parties holding them
/// are sent a back-channel logout), the sign-in code bound to a session, and the risk rule's advice.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ProviderSessionTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";

    private async Task<(CitizenRecord Citizen, ICitizenAccountGrain Grain)> ActiveAsync()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        return (citizen, fixture.Account(citizen));
    }

    private async Task<AccountEvent> EventAsync(string accountId, AccountEventKind kind)
    {
        await fixture.Audit.WaitForAsync(accountId, kind);
        return fixture.Audit.Events.Last(e => e.AccountId == accountId && e.Kind == kind);
    }

    [Fact]
    public async Task A_lock_a_logout_everywhere_and_a_logout_name_the_sessions_they_end()
    {
        var (citizen, grain) = await ActiveAsync();
        var first = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        var second = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        await grain.LogOutAsync(first);
        Assert.Equal([first], (await EventAsync(citizen.IdNumber, AccountEventKind.LoggedOut)).EndedSessions);

        var third = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        Assert.True((await grain.LockAsync(new Actor(ActorRole.Citizen, citizen.IdNumber), "lost phone")).Succeeded);
        Assert.Equal(new[] { second, third }.Order(), (await EventAsync(citizen.IdNumber, AccountEventKind.Locked)).EndedSessions.Order());
        Assert.Empty((await EventAsync(citizen.IdNumber, AccountEventKind.LoginSucceeded)).EndedSessions);
    }

    [Fact]
    public async Task The_sign_in_code_goes_to_the_phone_on_record_for_an_open_session_and_only_that_session_can_use_it()
    {
        var (citizen, grain) = await ActiveAsync();
        var session = (await grain.LogInAsync(Password, null)).Value!;
        Assert.False(session.CodeAdvised);
        var other = (await grain.LogInAsync(Password, null)).Value!;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.True((await grain.RequestSignInCodeAsync(session.SessionId)).Value > 0);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, 3))[^1]);
        Assert.Equal("otp_expired", (await grain.ConfirmSignInCodeAsync(other.SessionId, code)).Error!.Code);
        Assert.Equal("otp_invalid", (await grain.ConfirmSignInCodeAsync(session.SessionId, code == "000000" ? "111111" : "000000")).Error!.Code);
        Assert.True((await grain.ConfirmSignInCodeAsync(session.SessionId, code)).Succeeded);
        // Used once.
        Assert.Equal("otp_expired", (await grain.ConfirmSignInCodeAsync(session.SessionId, code)).Error!.Code);

        await grain.LogOutEverywhereAsync();
        Assert.Equal("token_revoked", (await grain.RequestSignInCodeAsync(session.SessionId)).Error!.Code);
    }

    [Fact]
    public async Task Wrong_passwords_since_the_last_sign_in_advise_a_code_at_the_next()
    {
        var (_, grain) = await ActiveAsync();
        Assert.Equal("invalid_credentials", (await grain.LogInAsync("Wrong@1234", null)).Error!.Code);
        Assert.True((await grain.LogInAsync(Password, null)).Value!.CodeAdvised);
        Assert.False((await grain.LogInAsync(Password, null)).Value!.CodeAdvised);
    }
}
