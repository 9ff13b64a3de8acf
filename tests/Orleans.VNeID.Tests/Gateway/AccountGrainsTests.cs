using System.Reflection;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

[Collection(ClusterCollection.Name)]
public class AccountGrainsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Concurrent_first_callers_all_get_a_typed_account_reference()
    {
        // The gateway resolves the account interface once, on its first request. Twelve declarations arriving together
        // on a fresh gateway once read a half-written cache and got an untyped reference (a 500). Forget the cache and
        // race the first call many times over.
        var cache = typeof(AccountGrains).GetFields(BindingFlags.Static | BindingFlags.NonPublic).Where(f => !f.IsInitOnly).ToArray();
        Assert.NotEmpty(cache);
        for (var round = 0; round < 2_000; round++)
        {
            foreach (var field in cache) field.SetValue(null, null);
            using var start = new Barrier(Environment.ProcessorCount * 2);
            var callers = Enumerable.Range(0, start.ParticipantCount).Select(i => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return fixture.Client.Account($"00109001{i:D4}");
            }, TaskCreationOptions.LongRunning));
            var references = await Task.WhenAll(callers);
            Assert.All(references, r => Assert.IsAssignableFrom<ICitizenAccountGrain>(r));
        }
    }
}
