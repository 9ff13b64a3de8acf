using System.Net;
using System.Net.Http.Json;
using Orleans.VNeID.Gateway.Hosting;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Issue 26: behind the TLS proxy every citizen is their own address, and nobody else chooses it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TrustedProxyTests(ClusterFixture fixture)
{
    private const string Proxy = "10.0.0.5";

    private static HttpRequestMessage Mismatch(ClusterFixture fixture, string peer, string? forwardedFor)
    {
        var citizen = fixture.NewCitizen();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/accounts");
        // A name the registry does not hold: a mismatch, counted against the sender's address.
        request.Content = JsonContent.Create(new
        {
            idNumber = citizen.IdNumber, fullName = "Ai Đó Khác", dateOfBirth = citizen.DateOfBirth.ToString("yyyy-MM-dd"),
            gender = citizen.Gender.ToString().ToLowerInvariant(),
        });
        request.Headers.Add(TestPeerAddress.Header, peer);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task A_proxys_address_is_not_a_citizens_and_a_caller_who_is_no_proxy_cannot_choose_its_own()
    {
        await using var gateway = new GatewayFactory(fixture, settings: new Dictionary<string, string>
        {
            ["ForwardedHeaders:TrustedProxies:0"] = Proxy,
            ["RateLimits:RegistryMismatchesPerAddress"] = "3",
        });
        var http = gateway.CreateClient();

        // Three mismatches from one citizen behind the proxy spend that citizen's budget, not the proxy's.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendAsync(Mismatch(fixture, Proxy, "198.51.100.7"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.SendAsync(Mismatch(fixture, Proxy, "198.51.100.7"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendAsync(Mismatch(fixture, Proxy, "198.51.100.8"))).StatusCode);

        // A direct caller's X-Forwarded-For is not read: rotating it does not give fresh budgets.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendAsync(Mismatch(fixture, "203.0.113.9", $"192.0.2.{i}"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.SendAsync(Mismatch(fixture, "203.0.113.9", "192.0.2.200"))).StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("not-a-network")]
    public void A_setting_that_trusts_every_address_or_does_not_parse_is_refused(string network)
    {
        var refused = Assert.Throws<InsecureConfigurationException>(() => TrustedProxies.Parse(new TrustedProxyOptions { TrustedNetworks = [network] }));
        Assert.Contains("ForwardedHeaders:TrustedNetworks:0", refused.Message);
        Assert.Throws<InsecureConfigurationException>(() => TrustedProxies.Parse(new TrustedProxyOptions { TrustedProxies = ["0.0.0.0"] }));
        Assert.Equal(2, TrustedProxies.Parse(new TrustedProxyOptions { TrustedProxies = ["10.0.0.5"], TrustedNetworks = ["10.244.0.0/16"] }) is var (p, n) ? p.Count + n.Count : 0);
    }
}
