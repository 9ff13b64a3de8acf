using System.Text.RegularExpressions;
using Npgsql;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// The guides run as written: each guide's commands against a platform of its own, on a database of its own (so that it
/// runs beside the other integration tests), migrated and seeded with the silo tool as scripts/up.sh does it, with the
/// rate limits a user meets. A command that stops doing what the text says fails the test, naming the guide's line.
/// </summary>
public sealed partial class WalkthroughTests
{
    /// <summary>The database scripts/test.sh creates for the guides.</summary>
    public const string DatabaseName = "vneid_test_walkthrough";

    /// <summary>The curl walk-through, then the sign-in guide's commands, which go on from where it ends.</summary>
    [Fact]
    public Task The_walkthroughs_run_as_written() => RunAsync("docs/walkthrough.md", "docs/sign-in.md");

    private static async Task RunAsync(params string[] guides)
    {
        var script = GuideScript.Parse(PlatformFixture.RepositoryRoot(), guides);
        var guide = string.Join(", then ", guides);
        Assert.True(script.Checks > 10, $"{guide} state what their commands do ('{GuideScript.Expectation} ...'): {script.Checks} found.");
        var database = TestDatabase.Shared.Named(DatabaseName);
        await using var cluster = new PlatformCluster(script.Settings, database: database, raiseRateLimits: false);
        await using (var owner = NpgsqlDataSource.Create(database.OwnerConnection))
        {
            await Prepare(cluster, owner);
            cluster.StartSilo("silo-1");
            cluster.StartGateway();
            await cluster.WaitUntilReadyAsync(owner, silos: 1);
        }

        var (exitCode, output) = await RunScriptAsync(script, cluster, database);
        var log = cluster.LogPath("walkthrough");
        await File.WriteAllTextAsync(log, output);
        Assert.True(exitCode == 0, $"{guide}: {Failure(script, output)} (exit {exitCode}; the whole run: {log}).\n{Tail(output, 40)}");
    }

    /// <summary>
    /// As scripts/up.sh: the schema, then the registers' stand-ins with the demo population (regenerated each run); the
    /// messages of an earlier run go (the guide reads the newest to a phone).
    /// </summary>
    private static async Task Prepare(PlatformCluster cluster, NpgsqlDataSource owner)
    {
        foreach (string[] command in (string[][])[["migrate"], ["seed", "--count", "2000", "--replace"]])
        {
            var (exit, output) = await cluster.RunSiloCommandAsync(command);
            Assert.True(exit == 0, $"vneid-silo {string.Join(' ', command)}: {output}");
        }
        await using var truncate = owner.CreateCommand("truncate notifications.outbox");
        await truncate.ExecuteNonQueryAsync();
    }

    private static async Task<(int, string)> RunScriptAsync(GuideScript script, PlatformCluster cluster, TestDatabase database)
    {
        var path = cluster.LogPath("walkthrough-script").Replace(".log", ".sh");
        await File.WriteAllTextAsync(path, script.Text);
        return await cluster.RunToEndAsync("bash", [path], new Dictionary<string, string?>
        {
            // scripts/silo.sh and scripts/lib/common.sh name the database by VNEID_DATABASE; the rest of the connection is theirs.
            ["VNEID_DATABASE"] = DatabaseName,
            ["VNEID_ConnectionStrings__VNeID"] = null,
            ["WT_G"] = cluster.GatewayUrl,
            ["WT_DB"] = Libpq(database.Connection),
            ["WT_OWNER_DB"] = Libpq(database.OwnerConnection),
        }, TimeSpan.FromMinutes(10));
    }

    /// <summary>The failing line of the guide, from what the script printed.</summary>
    private static string Failure(GuideScript script, string output)
    {
        if (Expected().Match(output) is { Success: true } expected)
            return $"{expected.Groups[1].Value}: {expected.Groups[2].Value}";
        if (Failed().Match(output) is { Success: true } failed)
            return $"the command at {script.GuideLine(int.Parse(failed.Groups[1].Value))} failed ({failed.Groups[2].Value})";
        return "the script failed";
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string Libpq(string connection)
    {
        var c = new NpgsqlConnectionStringBuilder(connection);
        return $"host={c.Host} port={c.Port} dbname={c.Database} user={c.Username} password={c.Password}";
    }

    [GeneratedRegex(@"WALKTHROUGH-FAILED (\S+): (.*)")]
    private static partial Regex Expected();

    [GeneratedRegex(@"WALKTHROUGH-FAILED-SCRIPT-LINE (\d+) \((.*)\)")]
    private static partial Regex Failed();
}
