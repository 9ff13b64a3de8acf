using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Orleans.VNeID.Grains.Storage;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Storage shards (issue 15), on databases of the local PostgreSQL cluster: the account states of a real silo spread
/// over two databases by their key hash; the re-shard onto a third moves only the third's share, refuses while a silo
/// runs, and a cluster on three shards reads and writes every account where it now lives.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class StorageShardTests(PlatformFixture platform)
{
    private static readonly string[] Databases =
        (Environment.GetEnvironmentVariable("VNEID_TEST_SHARD_DATABASES")
            ?? throw new InvalidOperationException("VNEID_TEST_SHARD_DATABASES is not set: run the tests with scripts/test.sh, which creates them."))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Connection(string baseConnection, string database) =>
        new NpgsqlConnectionStringBuilder(baseConnection) { Database = database }.ConnectionString;

    private static Dictionary<string, string> Settings(string serviceId, int shards)
    {
        var settings = new Dictionary<string, string> { ["Cluster:ServiceId"] = serviceId };
        for (var i = 0; i < shards; i++) settings[$"Shards:ConnectionStrings:{i}"] = Connection(PlatformFixture.ConnectionString, Databases[i]);
        return settings;
    }

    /// <summary>The grain-id hashes of the service's account rows in each shard.</summary>
    private static async Task<List<int>[]> RowsAsync(string serviceId, int shards)
    {
        var rows = new List<int>[shards];
        for (var i = 0; i < shards; i++)
        {
            await using var shard = NpgsqlDataSource.Create(Connection(PlatformFixture.OwnerConnectionString, Databases[i]));
            await using var command = shard.CreateCommand("select grain_id_hash from orleans.storage where service_id = $1 and grain_type_string = 'account'");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            await using var reader = await command.ExecuteReaderAsync();
            rows[i] = [];
            while (await reader.ReadAsync()) rows[i].Add(reader.GetInt32(0));
        }
        return rows;
    }

    private static async Task<(int Code, string Output)> ExpectRunAsync(PlatformCluster cluster, int expected, params string[] args)
    {
        var run = await cluster.RunSiloCommandAsync(args);
        Assert.True(run.ExitCode == expected, $"{string.Join(' ', args)} exited {run.ExitCode}: {run.Output}");
        return run;
    }

    [Fact]
    public async Task Account_states_spread_over_two_databases_by_key_hash_and_a_reshard_onto_a_third_moves_only_its_share()
    {
        var serviceId = "shards-" + Guid.NewGuid().ToString("N")[..8];
        var people = platform.TakeCitizens(30);
        var statuses = new Dictionary<string, string>();
        await using var three = new PlatformCluster(Settings(serviceId, 3));
        // The migrate command gives every shard the schema.
        var migrated = await ExpectRunAsync(three, 0, "migrate");
        for (var s = 0; s < 3; s++) Assert.Contains($"Shard {s} ({Databases[s]}): schema up to date", migrated.Output);

        // Two shards: a silo spreads the accounts it declares over them.
        await using (var two = new PlatformCluster(Settings(serviceId, 2)))
        {
            two.StartSilo("silo-1");
            two.StartGateway();
            await two.WaitUntilReadyAsync(platform, silos: 1);
            var api = new PlatformApi(two.Http);
            foreach (var c in people) await PlatformApi.ExpectStatusAsync(HttpStatusCode.Accepted, await api.DeclareAsync(c));
            var token = await api.OperatorTokenAsync();
            foreach (var c in people) statuses[c.IdNumber] = await api.SettledStatusAsync(c.IdNumber, token, TimeSpan.FromSeconds(30));

            // The events still reach the audit trail and the outbox in the platform's database (from the stored state).
            foreach (var c in people)
                await PlatformFixture.EventuallyAsync(async () => await platform.ScalarAsync(
                    "select count(*) from audit.entries where service_id = $1 and account_id = $2 and kind = $3",
                    serviceId, c.IdNumber, (short)Accounts.AccountEventKind.Declared) == 1);

            // A re-shard while a silo of the cluster runs is refused, and changes nothing.
            var refused = await ExpectRunAsync(two, 1, "reshard");
            Assert.Contains("Refusing", refused.Output);
            await two.StopAsync(two.Named("silo-1"), graceful: true);
        }

        var before = await RowsAsync(serviceId, 3);
        Assert.Equal(people.Count, before[0].Count + before[1].Count);
        Assert.Empty(before[2]);
        Assert.NotEmpty(before[0]);
        Assert.NotEmpty(before[1]);
        for (var s = 0; s < 2; s++) Assert.All(before[s], h => Assert.Equal(s, StorageShard.Of(h, 2)));
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from orleans.storage where service_id = $1", serviceId));

        // A third shard appended: a dry run changes nothing; the re-shard moves exactly the states the third now owns.
        var dry = await ExpectRunAsync(three, 0, "reshard", "--dry-run");
        Assert.Contains("would move", dry.Output);
        Assert.Equal(before.Select(r => r.Count), (await RowsAsync(serviceId, 3)).Select(r => r.Count));
        await ExpectRunAsync(three, 0, "reshard");

        var after = await RowsAsync(serviceId, 3);
        Assert.Equal(people.Count, after.Sum(r => r.Count));
        for (var s = 0; s < 3; s++) Assert.All(after[s], h => Assert.Equal(s, StorageShard.Of(h, 3)));
        var owned = before[0].Concat(before[1]).Count(h => StorageShard.Of(h, 3) == 2);
        Assert.Equal(owned, after[2].Count);
        Assert.NotEmpty(after[2]);
        for (var s = 0; s < 2; s++) Assert.Equal(before[s].Count(h => StorageShard.Of(h, 3) == s), after[s].Count);

        // A cluster on the three shards reads every account as it was and writes where it now lives.
        three.StartSilo("silo-1");
        three.StartGateway();
        await three.WaitUntilReadyAsync(platform, silos: 1);
        var api3 = new PlatformApi(three.Http);
        var token3 = await api3.OperatorTokenAsync();
        foreach (var c in people) Assert.Equal(statuses[c.IdNumber], await api3.SettledStatusAsync(c.IdNumber, token3, TimeSpan.FromSeconds(30)));
        foreach (var c in people.Take(3))
        {
            var code = await api3.CodeSentToAsync(c.Phone!);
            var activated = await three.Http.PostAsJsonAsync($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = code, password = PlatformApi.Password });
            await PlatformApi.ExpectStatusAsync(HttpStatusCode.OK, activated);
        }
        Assert.Equal(after.Select(r => r.Count), (await RowsAsync(serviceId, 3)).Select(r => r.Count));
    }
}
