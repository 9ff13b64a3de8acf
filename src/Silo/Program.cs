using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Silo;
using Orleans.VNeID.Silo.StandIns;
using Orleans.VNeID.Silo.Schema;

var root = new RootCommand("Orleans.VNeID silo: hosts the citizen-account grains. Without a subcommand it runs the silo.");
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(async (parse, cancel) =>
{
    IHost host;
    try
    {
        host = SiloHosting.Build(parse.UnmatchedTokens.ToArray());
    }
    catch (InsecureConfigurationException insecure)
    {
        Console.Error.WriteLine(insecure.Message);
        return 1;
    }
    using (host) await host.RunAsync(cancel);
    return 0;
});

var migrate = new Command("migrate", "Apply the schema scripts not yet applied; refuses when an applied script was changed.");
migrate.SetAction(async (parse, cancel) =>
{
    try
    {
        var configuration = ServiceDefaultsExtensions.BuildToolConfiguration([]);
        var applied = await SchemaMigrator.ApplyAsync(OwnerConnection(configuration), Console.Out, cancel,
            appRole: PlatformDatabase.ApplicationRole(configuration));
        Console.WriteLine(applied == 0 ? "Schema up to date (nothing new to apply)." : $"Schema up to date ({applied} script(s) applied).");
        // Every storage shard gets the same schema (Shards:ConnectionStrings): any shard can take any grain's state.
        var shards = ShardOwnerConnections(configuration);
        for (var i = 0; i < shards.Count; i++)
        {
            var shardApplied = await SchemaMigrator.ApplyAsync(shards[i], TextWriter.Null, cancel, appRole: PlatformDatabase.ApplicationRole(configuration));
            Console.WriteLine($"Shard {i} ({new Npgsql.NpgsqlConnectionStringBuilder(shards[i]).Database}): schema up to date ({shardApplied} script(s) applied).");
        }
        return 0;
    }
    catch (Exception refused) when (refused is ChangedMigrationException or InsecureConfigurationException)
    {
        Console.Error.WriteLine(refused.Message);
        return 1;
    }
});
root.Subcommands.Add(migrate);

var dryRun = new Option<bool>("--dry-run") { Description = "Count the states that would move; change nothing." };
var reshard = new Command("reshard",
    "Move every grain state to the shard Shards:ConnectionStrings places it on (after shards are appended, or to spread one database); run with the silos stopped.")
{ dryRun };
reshard.SetAction(async (parse, cancel) =>
{
    try
    {
        var configuration = ServiceDefaultsExtensions.BuildToolConfiguration([]);
        return await Resharding.RunAsync(OwnerConnection(configuration), ShardOwnerConnections(configuration),
            (configuration.GetSection("Cluster").Get<Orleans.Configuration.ClusterOptions>()?.ClusterId ?? "vneid"), parse.GetValue(dryRun), Console.Out, cancel);
    }
    catch (InsecureConfigurationException insecure)
    {
        Console.Error.WriteLine(insecure.Message);
        return 1;
    }
});
root.Subcommands.Add(reshard);

var count = new Option<int>("--count") { Description = "Citizens to generate.", DefaultValueFactory = _ => 10_000 };
var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same population.", DefaultValueFactory = _ => 84 };
var replace = new Option<bool>("--replace") { Description = "Empty the registry first (it is left alone when it already has citizens)." };
var chips = new Option<int>("--chips")
{
    Description = "Card holders whose chip data to write (signed under the Development country signing CA), the demo citizens first.",
    DefaultValueFactory = _ => int.MaxValue,
};
var seedCommand = new Command("seed", "Fill the population registry with a deterministic synthetic population.") { count, seed, replace, chips };
seedCommand.SetAction(async (parse, cancel) =>
{
    var n = parse.GetValue(count);
    if (n < PopulationGenerator.DemoCitizens.Count) { Console.Error.WriteLine($"--count must be at least {PopulationGenerator.DemoCitizens.Count}."); return 2; }
    return await AsOwner(owner => StandInSeeder.RunAsync(owner, n, parse.GetValue(seed), parse.GetValue(replace), parse.GetValue(chips), cancel));
});
root.Subcommands.Add(seedCommand);

var secret = new Argument<string>("secret") { Description = "The service account's secret." };
var hashSecret = new Command("hash-secret", "Print the hash to put in ServiceAccounts:<id>:SecretHash.") { secret };
hashSecret.SetAction(parse =>
{
    Console.WriteLine(new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), parse.GetValue(secret)!));
    return 0;
});
root.Subcommands.Add(hashSecret);

var stateDiagram = new Command("state-diagram", $"Regenerate {StateDiagram.RelativePath} and {Orleans.VNeID.Grains.OfficeDesk.DossierStateDiagram.RelativePath} from the account's and the dossier's lifecycles.");
stateDiagram.SetAction(_ =>
{
    var repository = Path.GetDirectoryName(ConfigDirectory.Locate())!;
    foreach (var (relative, markdown) in new[] { (StateDiagram.RelativePath, StateDiagram.Markdown()), (Orleans.VNeID.Grains.OfficeDesk.DossierStateDiagram.RelativePath, Orleans.VNeID.Grains.OfficeDesk.DossierStateDiagram.Markdown()) })
    {
        File.WriteAllText(Path.Combine(repository, relative), markdown);
        Console.WriteLine($"Wrote {Path.Combine(repository, relative)}");
    }
    return 0;
});
root.Subcommands.Add(stateDiagram);

var errorTable = new Command("error-table", "Regenerate the error table of docs/api.md from the error catalogue.");
errorTable.SetAction(_ =>
{
    var path = Path.Combine(Path.GetDirectoryName(ConfigDirectory.Locate())!, "docs", "api.md");
    File.WriteAllText(path, DocumentedErrorTable.Regenerate(File.ReadAllText(path)));
    Console.WriteLine($"Wrote {path}");
    return 0;
});
root.Subcommands.Add(errorTable);

var auditAccount = new Option<string?>("--account") { Description = "Verify only this account's chain." };
var auditVerify = new Command("audit-verify", "Verify the audit trail's hash chains; exits 1 when any entry was altered, inserted or removed.") { auditAccount };
auditVerify.SetAction(async (parse, cancel) =>
    await AuditVerification.RunAsync(ServiceDefaultsExtensions.BuildToolConfiguration([]), parse.GetValue(auditAccount), Console.Out, cancel));
root.Subcommands.Add(auditVerify);

var cardId = new Argument<string>("idNumber") { Description = "The citizen's personal ID number." };
var issueCard = new Command("issue-card", "Stand-in for the ID-card production centre: record a citizen's chip card (number, issue date, templates) in the registry.") { cardId };
issueCard.SetAction(async (parse, cancel) =>
    await AsOwner(owner => CardIssuer.RunAsync(owner, parse.GetValue(cardId)!, Console.Out, TimeProvider.System, cancel)));
root.Subcommands.Add(issueCard);

var renewFrom = new Argument<string>("passport") { Description = "The foreigner's passport in force, as CCC-NUMBER (e.g. FRA-18AB12345)." };
var renewNumber = new Argument<string>("newNumber") { Description = "The new passport's number (same issuing country)." };
var renewPassport = new Command("renew-passport",
    "Stand-in for the immigration office: a foreigner's passport renewed (the new one linked to the same person in the immigration database).")
    { renewFrom, renewNumber };
renewPassport.SetAction(async (parse, cancel) =>
    await AsOwner(owner => Orleans.VNeID.Silo.StandIns.PassportRenewal.RunAsync(owner, parse.GetValue(renewFrom)!, parse.GetValue(renewNumber)!, Console.Out, TimeProvider.System, cancel)));
root.Subcommands.Add(renewPassport);

root.Subcommands.Add(RelyingPartyCommands.Build(AsOwner));

var margin = new Option<int?>("--margin-seconds") { Description = "Cover entries older than this (default: Audit:CheckpointMargin)." };
var checkpoint = new Command("audit-checkpoint", "Take a signed checkpoint of the audit trail now (silos take one every Audit:CheckpointInterval).") { margin };
checkpoint.SetAction(async (parse, cancel) =>
{
    var configuration = ServiceDefaultsExtensions.BuildToolConfiguration([]);
    var options = configuration.Read<Orleans.VNeID.Grains.Audit.AuditOptions>();
    if (string.IsNullOrWhiteSpace(options.CheckpointKey)) { Console.Error.WriteLine("Audit:CheckpointKey is not configured."); return 2; }
    var serviceId = configuration.GetSection("Cluster").Get<Orleans.Configuration.ClusterOptions>()?.ServiceId ?? "vneid";
    await using var dataSource = Npgsql.NpgsqlDataSource.Create(PlatformDatabase.ConnectionString(configuration));
    var taken = await Orleans.VNeID.Grains.Audit.AuditCheckpoints.TakeAsync(dataSource, serviceId, Convert.FromBase64String(options.CheckpointKey),
        parse.GetValue(margin) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.CheckpointMargin, TimeProvider.System, cancel);
    Console.WriteLine(taken is null
        ? "Nothing new to cover."
        : $"Checkpoint {taken.Id}: {taken.EntryCount} entries up to entry {taken.UptoEntryId} (service {serviceId}).");
    return 0;
});
root.Subcommands.Add(checkpoint);

return await root.Parse(args).InvokeAsync();

// The owner role's connection; outside Development its password must not be a public one (as the hosts' secrets).
static string OwnerConnection(IConfiguration configuration) => CheckedOwner(PlatformDatabase.OwnerConnectionString(configuration));

// The storage shards as the owner role, checked the same way.
static IReadOnlyList<string> ShardOwnerConnections(IConfiguration configuration) =>
    PlatformDatabase.ShardOwnerConnectionStrings(configuration).Select(CheckedOwner).ToArray();

static string CheckedOwner(string owner)
{
    var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
    if (environment == Environments.Development) return owner;
    var problems = ProductionSecrets.PasswordProblems("ConnectionStrings:VNeIDOwner", owner).ToList();
    return problems.Count == 0
        ? owner
        : throw new InsecureConfigurationException($"Refusing to run in the {environment} environment: {string.Join(" ", problems)}");
}

static async Task<int> AsOwner(Func<string, Task<int>> command)
{
    try
    {
        return await command(OwnerConnection(ServiceDefaultsExtensions.BuildToolConfiguration([])));
    }
    catch (InsecureConfigurationException insecure)
    {
        Console.Error.WriteLine(insecure.Message);
        return 1;
    }
}
