using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Orleans.VNeID.Gateway.Security;

namespace Orleans.VNeID.Tests.Gateway;

public class AccountRateLimiterTests
{
    private static HttpContext From(string address) => new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    [Fact]
    public async Task A_stranger_flooding_an_account_spends_their_own_budget_and_the_owners_request_goes_through()
    {
        var limiter = new AccountRateLimiter(PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = false,
            })));
        const string account = "001090012345";
        var refused = 0;
        for (var i = 0; i < 1000; i++)
        {
            using var lease = await limiter.AcquireAsync(From("203.0.113.9"), account);
            if (!lease.IsAcquired) refused++;
        }
        Assert.Equal(970, refused);
        using var owner = await limiter.AcquireAsync(From("198.51.100.20"), account);
        Assert.True(owner.IsAcquired);
    }
}
