using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Orleans.VNeID.Gateway.Security;

namespace Orleans.VNeID.Tests.Gateway;

public class RegistryMismatchBudgetTests
{
    private static HttpContext From(string address) => new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    [Fact]
    public void Squatting_registry_mismatches_count_per_client_address_and_spend_its_budget()
    {
        var budget = new RegistryMismatchBudget(PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = 3, Window = TimeSpan.FromHours(1), QueueLimit = 0, AutoReplenishment = true,
            })), TimeSpan.FromHours(1));
        var guesser = From("203.0.113.7");
        for (var i = 0; i < 3; i++)
        {
            Assert.False(budget.Exhausted(guesser));
            budget.Count(guesser);
        }
        Assert.True(budget.Exhausted(guesser));
        Assert.False(budget.Exhausted(From("203.0.113.8")));
    }
}
