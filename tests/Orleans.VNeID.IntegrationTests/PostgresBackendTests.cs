using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Silo.StandIns;
using Orleans.VNeID.Silo.Schema;

namespace Orleans.VNeID.IntegrationTests;

[Collection(PlatformCollection.Name)]
public class PostgresBackendTests(PlatformFixture platform)
{
    private static readonly string[] RequiredQueries =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "CleanupDefunctSiloEntryKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task The_schema_applies_again_without_change_and_holds_every_query_orleans_needs()
    {
        await SchemaMigrator.ApplyAsync(PlatformFixture.OwnerConnectionString, TextWriter.Null, appRole: PlatformFixture.ApplicationRole);
        await SchemaMigrator.ApplyAsync(PlatformFixture.OwnerConnectionString, TextWriter.Null, appRole: PlatformFixture.ApplicationRole);
        foreach (var key in RequiredQueries)
            Assert.Equal(1, await platform.ScalarAsync("select count(*) from orleans.orleansquery where querykey = $1", key));
        Assert.Equal(PlatformFixture.PopulationSize, await platform.ScalarAsync("select count(*) from registry.citizens"));
    }

    [Fact]
    public async Task Applied_scripts_are_recorded_with_checksums_run_once_and_a_changed_one_is_refused()
    {
        Assert.Equal(0, await SchemaMigrator.ApplyAsync(PlatformFixture.OwnerConnectionString, TextWriter.Null, appRole: PlatformFixture.ApplicationRole));
        var scripts = SchemaMigrator.Scripts();
        foreach (var (name, _, checksum) in scripts)
            Assert.Equal(1, await platform.ScalarAsync($"select count(*) from public.schema_migrations where script = '{name}' and checksum = '{checksum}'"));

        // An applied script whose text differs from what was recorded stops the migration.
        var (first, _, original) = scripts[0];
        await using (var tamper = platform.Database.CreateCommand($"update public.schema_migrations set checksum = '{new string('0', 64)}' where script = '{first}'"))
            await tamper.ExecuteNonQueryAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<ChangedMigrationException>(() => SchemaMigrator.ApplyAsync(PlatformFixture.OwnerConnectionString, TextWriter.Null, appRole: PlatformFixture.ApplicationRole));
            Assert.Contains(first, refused.Message);
        }
        finally
        {
            await using var restore = platform.Database.CreateCommand($"update public.schema_migrations set checksum = '{original}' where script = '{first}'");
            await restore.ExecuteNonQueryAsync();
        }
        Assert.Equal(0, await SchemaMigrator.ApplyAsync(PlatformFixture.OwnerConnectionString, TextWriter.Null, appRole: PlatformFixture.ApplicationRole));
    }

    [Fact]
    public async Task The_registry_finds_citizens_and_matching_is_exact_on_diacritics()
    {
        var registry = new PostgresPopulationRegistry(platform.Database);
        var demo = PopulationGenerator.DemoCitizens[0];
        var found = await registry.FindAsync(PersonalIdNumber.Parse(demo.IdNumber));
        // The seeder stores each card's expiry (the law's change ages): issued at 31, valid until 40.
        Assert.Equal(demo with { CardExpiresOn = new DateOnly(2030, 5, 15) }, found);
        var declaration = new DeclareAccount("nguyễn  VĂN an", demo.DateOfBirth, demo.Gender, demo.Phone);
        Assert.True(Declaration.Matches(found, PersonalIdNumber.Parse(demo.IdNumber), declaration));
        Assert.False(Declaration.Matches(found, PersonalIdNumber.Parse(demo.IdNumber), declaration with { FullName = "Nguyen Van An" }));
        Assert.Null(await registry.FindAsync(PersonalIdNumber.Parse("096099999999")));

        var child = PopulationGenerator.DemoCitizens[2];
        Assert.Equal("001090012345", (await registry.FindAsync(PersonalIdNumber.Parse(child.IdNumber)))!.FatherId);
    }

    // Issue 15: look-ups in flight at once are gathered into one query, and each caller still gets its own citizen.
    [Fact]
    public async Task Gathered_registry_look_ups_answer_each_caller_its_own_citizen_or_none()
    {
        var gathered = new PostgresPopulationRegistry(platform.Database, Options.Create(new Orleans.VNeID.Grains.Storage.GroupCommitOptions { MaxBatch = 8 }));
        var one = new PostgresPopulationRegistry(platform.Database);
        var ids = PopulationGenerator.DemoCitizens.Select(c => c.IdNumber).Append("096099999999").ToArray();
        var asked = Enumerable.Range(0, 60).Select(i => ids[i % ids.Length]).ToArray();
        var answers = await Task.WhenAll(asked.Select(id => gathered.FindAsync(PersonalIdNumber.Parse(id))));
        for (var i = 0; i < asked.Length; i++)
            Assert.Equal(await one.FindAsync(PersonalIdNumber.Parse(asked[i])), answers[i]);
        Assert.Contains(answers, a => a is null);
        Assert.Contains(answers, a => a is not null);
    }

    [Fact]
    public async Task The_outbox_keeps_one_sealed_copy_of_each_message()
    {
        var key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
        var outbox = new PostgresOutbox(platform.Database, new SecretSealer(Options.Create(new SealingOptions { SealingKey = key })));
        var recipient = "09" + Random.Shared.Next(10_000_000, 99_999_999);
        var message = new OutboundMessage($"test:{Guid.NewGuid():N}:Sms", "001090012345", AccountEventKind.Declared,
            NotificationChannel.Sms, recipient, "482913 la ma xac thuc tai khoan dinh danh dien tu.", DateTimeOffset.UtcNow);

        await outbox.SendAsync(message);
        await outbox.SendAsync(message);

        Assert.Equal(1, await platform.ScalarAsync("select count(*) from notifications.outbox where recipient = $1", recipient));
        Assert.Equal(0, await platform.ScalarAsync(
            "select count(*) from notifications.outbox where recipient = $1 and position(convert_to('482913', 'UTF8') in body_sealed) > 0", recipient));
        var listed = Assert.Single(await outbox.ListAsync(recipient, 10));
        Assert.Equal(message.Body, listed.Body);
        Assert.True(await outbox.PingAsync());
    }

    [Fact]
    public async Task An_event_and_its_messages_are_stored_in_one_transaction_and_a_repeat_adds_nothing()
    {
        var key = Convert.ToBase64String(Enumerable.Range(9, 32).Select(i => (byte)i).ToArray());
        var serviceId = $"writer-test-{Guid.NewGuid():N}";
        var audit = new Orleans.VNeID.Grains.Audit.PostgresAuditTrail(platform.Database, Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = serviceId }));
        var outbox = new PostgresOutbox(platform.Database, new SecretSealer(Options.Create(new SealingOptions { SealingKey = key })));
        var writer = new AccountEventWriter(audit, outbox);
        Assert.True(writer.WritesTogether);

        AccountEvent Event(long sequence) => new("001090012345", sequence, AccountEventKind.Declared, AccountStatus.Declared,
            AccountStatus.PendingActivation, DateTimeOffset.UtcNow, new Actor(ActorRole.System, "system"), null, [])
        { PreviousHash = new byte[32], Hash = Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray() };
        OutboundMessage Message(AccountEvent e, string recipient) => new($"{serviceId}:{e.Sequence}:Sms", e.AccountId, e.Kind,
            NotificationChannel.Sms, recipient, "Ma xac thuc tai khoan dinh danh dien tu.", e.OccurredAt);

        var first = Event(1);
        await writer.WriteAsync(first, [Message(first, "0912345678")]);
        await writer.WriteAsync(first, [Message(first, "0912345678")]);
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from audit.entries where service_id = $1", serviceId));
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from notifications.outbox where message_id = $1", $"{serviceId}:1:Sms"));

        // PostgreSQL refuses a NUL in text: the message fails on the server after the entry was inserted, and neither stays.
        var second = Event(2);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => writer.WriteAsync(second, [Message(second, "09\0")]));
        Assert.Equal(1, await platform.ScalarAsync("select count(*) from audit.entries where service_id = $1", serviceId));
        Assert.Equal(1, await platform.ScalarAsync("select seq from audit.heads where service_id = $1", serviceId));
    }
}
