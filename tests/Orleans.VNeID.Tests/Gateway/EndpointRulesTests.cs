using System.Net;
using System.Net.Sockets;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Issue 27: where the provider may send citizens and post tokens — never inside the platform's networks.</summary>
public class EndpointRulesTests
{
    [Theory]
    [InlineData("http://rp.example.vn/events", "not https")]
    [InlineData("https://127.0.0.1/events", "inside")]
    [InlineData("https://localhost/events", "inside")]
    [InlineData("https://api.localhost/events", "inside")]
    [InlineData("https://10.1.2.3/events", "inside")]
    [InlineData("https://172.20.0.1/events", "inside")]
    [InlineData("https://192.168.1.10/events", "inside")]
    [InlineData("https://169.254.169.254/latest/meta-data", "inside")]
    [InlineData("https://100.64.0.1/events", "inside")]
    [InlineData("https://[::1]/events", "inside")]
    [InlineData("https://[fd00::1]/events", "inside")]
    [InlineData("https://[fe80::1]/events", "inside")]
    [InlineData("https://[::ffff:10.0.0.1]/events", "inside")]
    [InlineData("https://user:pw@rp.example.vn/events", "user name")]
    [InlineData("https://rp.example.vn/events#x", "fragment")]
    [InlineData("ftp://rp.example.vn/events", "absolute http")]
    [InlineData("/events", "absolute http")]
    public void Outside_Development_only_https_to_public_addresses_may_be_registered(string uri, string why)
    {
        var refused = Assert.Throws<ArgumentException>(() => EndpointRules.Check(uri, "security events URI", development: false));
        Assert.Contains(why, refused.Message);
    }

    [Theory]
    [InlineData("https://rp.example.vn/backchannel")]
    [InlineData("https://203.0.113.10:8443/events")]
    public void A_public_https_endpoint_is_accepted(string uri) =>
        Assert.Equal(new Uri(uri), EndpointRules.Check(uri, "back-channel logout URI", development: false));

    [Fact]
    public void Development_allows_http_on_loopback_for_the_sample_portal() =>
        Assert.Equal("127.0.0.1", EndpointRules.Check("http://127.0.0.1:8081/security-events", "security events URI", development: true).Host);

    [Fact]
    public async Task A_post_is_refused_before_connecting_when_the_name_resolves_inside()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var refused = await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await EndpointRules.ConnectAsync(new DnsEndPoint("localhost", port), allowInternal: false, CancellationToken.None));
        Assert.StartsWith("refused:", refused.Message);
        Assert.False(listener.Pending());
        await using var allowed = await EndpointRules.ConnectAsync(new DnsEndPoint("127.0.0.1", port), allowInternal: true, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();
        Assert.True(accepted.Connected);
    }

    [Fact]
    public void An_endpoint_registered_under_older_rules_is_not_posted_to()
    {
        Assert.StartsWith("refused:", new DeliveryRules(Development: false).Refusal("http://127.0.0.1:9/events"));
        Assert.Null(new DeliveryRules(Development: true).Refusal("http://127.0.0.1:9/events"));
    }
}
