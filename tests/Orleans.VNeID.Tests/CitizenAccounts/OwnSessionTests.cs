using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// What the account console does with the owner's own sessions and password: sessions listed by a handle (never their
/// id) with their device, one closed from another, and a password change that checks the current one and ends them all.
/// </summary>
[Collection(ClusterCollection.Name)]
public class OwnSessionTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";

    private async Task<(CitizenRecord Citizen, ICitizenAccountGrain Grain)> ActiveAsync()
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        return (citizen, fixture.Account(citizen));
    }

    [Fact]
    public async Task The_owner_sees_open_sessions_by_handle_and_device_and_closes_another_one()
    {
        var (_, grain) = await ActiveAsync();
        var phone = (await grain.LogInAsync(Password, null, "Chrome · Android")).Value!.SessionId;
        var desk = (await grain.LogInAsync(Password, null)).Value!.SessionId;

        var seen = await grain.GetSessionsAsync(desk);
        Assert.Equal(2, seen.Count);
        Assert.DoesNotContain(seen, s => s.Handle.Contains(phone, StringComparison.Ordinal) || s.Handle.Contains(desk, StringComparison.Ordinal));
        Assert.Single(seen, s => s.Current);
        var other = Assert.Single(seen, s => !s.Current);
        Assert.Equal("Chrome · Android", other.Device);

        Assert.True(await grain.LogOutSessionAsync(desk, other.Handle));
        Assert.Null(await grain.GetForSessionAsync(phone));
        Assert.NotNull(await grain.GetForSessionAsync(desk));
        // A closed session lists nothing and closes nothing.
        Assert.Empty(await grain.GetSessionsAsync(phone));
        Assert.False(await grain.LogOutSessionAsync(phone, seen.Single(s => s.Current).Handle));
        Assert.NotNull(await grain.GetForSessionAsync(desk));
    }

    [Fact]
    public async Task A_password_change_needs_the_current_password_and_the_rules_and_ends_every_session()
    {
        var (citizen, grain) = await ActiveAsync();
        var first = (await grain.LogInAsync(Password, null)).Value!.SessionId;
        var second = (await grain.LogInAsync(Password, null)).Value!.SessionId;

        Assert.Equal("validation_failed", (await grain.ChangePasswordAsync(first, Password, "weak")).Error!.Code);
        Assert.Equal("invalid_credentials", (await grain.ChangePasswordAsync(first, "Wrong#Pass1", "Moi#Matkhau2")).Error!.Code);
        Assert.NotNull(await grain.GetForSessionAsync(first));

        Assert.True((await grain.ChangePasswordAsync(first, Password, "Moi#Matkhau2")).Succeeded);
        Assert.Null(await grain.GetForSessionAsync(first));
        Assert.Null(await grain.GetForSessionAsync(second));
        Assert.False((await grain.LogInAsync(Password, null)).Succeeded);
        Assert.True((await grain.LogInAsync("Moi#Matkhau2", null)).Succeeded);
        await fixture.Audit.WaitForAsync(citizen.IdNumber, AccountEventKind.PasswordChanged);
        // From an ended session nothing changes.
        Assert.Equal("token_revoked", (await grain.ChangePasswordAsync(first, "Moi#Matkhau2", "Khac#Matkhau3")).Error!.Code);
    }
}
