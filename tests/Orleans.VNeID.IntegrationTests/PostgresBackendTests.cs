using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Silo.Registry;
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
        await SchemaMigrator.ApplyAsync(PlatformFixture.ConnectionString, TextWriter.Null);
        await SchemaMigrator.ApplyAsync(PlatformFixture.ConnectionString, TextWriter.Null);
        foreach (var key in RequiredQueries)
            Assert.Equal(1, await platform.ScalarAsync("select count(*) from orleans.orleansquery where querykey = $1", key));
        Assert.Equal(PlatformFixture.PopulationSize, await platform.ScalarAsync("select count(*) from registry.citizens"));
    }

    [Fact]
    public async Task The_registry_finds_citizens_and_matching_is_exact_on_diacritics()
    {
        var registry = new PostgresPopulationRegistry(platform.Database);
        var demo = PopulationGenerator.DemoCitizens[0];
        var found = await registry.FindAsync(PersonalIdNumber.Parse(demo.IdNumber));
        Assert.Equal(demo, found);
        var declaration = new DeclareAccount("nguyễn  VĂN an", demo.DateOfBirth, demo.Gender, demo.Phone, null);
        Assert.True(found!.Matches(PersonalIdNumber.Parse(demo.IdNumber), declaration));
        Assert.False(found.Matches(PersonalIdNumber.Parse(demo.IdNumber), declaration with { FullName = "Nguyen Van An" }));
        Assert.Null(await registry.FindAsync(PersonalIdNumber.Parse("096099999999")));

        var child = PopulationGenerator.DemoCitizens[2];
        Assert.Equal("001090012345", (await registry.FindAsync(PersonalIdNumber.Parse(child.IdNumber)))!.FatherId);
    }

    [Fact]
    public async Task The_outbox_keeps_one_sealed_copy_of_each_message()
    {
        var key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
        var outbox = new PostgresOutbox(platform.Database, new SecretSealer(Options.Create(new NotificationOptions { SealingKey = key })));
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
}
