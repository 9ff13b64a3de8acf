using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The relying-party registry on the real database (issue 11: the store the provider and `vneid-silo clients` share).</summary>
[Collection(PlatformCollection.Name)]
public sealed class RelyingPartyTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_relying_party_is_registered_with_a_hashed_secret_listed_and_removed()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOidcStore(PlatformFixture.OwnerConnectionString, development: true);
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var parties = scope.ServiceProvider.GetRequiredService<RelyingParties>();
        var clientId = $"portal-{Guid.NewGuid():N}";
        var party = new RelyingParty(clientId, "Cổng dịch vụ công (thử)", Confidential: true, ["http://127.0.0.1:8081/signin-oidc"],
            ["http://127.0.0.1:8081/"], ["profile", "vneid_level"], MinimumLevel: 2, "http://127.0.0.1:8081/backchannel-logout", SeesIdNumber: false);

        var secret = await parties.AddAsync(party);
        Assert.NotNull(secret);
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from oidc.\"OpenIddictApplications\" where \"ClientId\" = $1", clientId));
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from oidc.\"OpenIddictApplications\" where \"ClientSecret\" = $1", secret!));
        // Kept as a SHA-256 of the 256 random bits (a slow hash adds nothing to a secret nobody chose).
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from oidc.\"OpenIddictApplications\" where \"ClientId\" = $1 and \"ClientSecret\" like 'sha256:%'", clientId));
        var listed = (await parties.ListAsync()).Single(p => p.ClientId == clientId);
        Assert.Equal((party.DisplayName, true, 2, party.BackchannelLogoutUri, false), (listed.DisplayName, listed.Confidential, listed.MinimumLevel, listed.BackchannelLogoutUri, listed.SeesIdNumber));
        Assert.Equal(party.RedirectUris, listed.RedirectUris);
        Assert.Equal(party.PostLogoutRedirectUris, listed.PostLogoutRedirectUris);
        Assert.Equal(party.Scopes, listed.Scopes);
        await Assert.ThrowsAsync<InvalidOperationException>(() => parties.AddAsync(party));
        await Assert.ThrowsAsync<ArgumentException>(() => parties.AddAsync(party with { ClientId = clientId + "-x", Scopes = ["address"] }));

        // The application role reads the store the gateway serves from.
        await using (var read = platform.ApplicationDatabase.CreateCommand("select count(*) from oidc.\"OpenIddictApplications\""))
            Assert.True(Convert.ToInt64(await read.ExecuteScalarAsync()) >= 1);

        Assert.True(await parties.RemoveAsync(clientId));
        Assert.False(await parties.RemoveAsync(clientId));
    }
}
