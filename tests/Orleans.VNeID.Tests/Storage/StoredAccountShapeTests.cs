using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Storage;

/// <summary>What the grain storage serializer writes for an account: lists left out while empty, and older rows still read.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredAccountShapeTests(ClusterFixture fixture)
{
    private IGrainStorageSerializer Serializer => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainStorageSerializer>();

    [Fact]
    public void Empty_papers_children_and_mismatch_lists_are_not_stored_and_load_as_empty_lists()
    {
        var json = Encoding.UTF8.GetString(Serializer.Serialize(new AccountState { FullName = "Lê Văn Tám" }).ToArray());
        // Under the name every stored row has (the type moved to Orleans.VNeID.Grains.Accounts): older silos read it.
        Assert.Contains("\"Orleans.VNeID.Accounts.AccountState, Orleans.VNeID.Grains\"", json, StringComparison.Ordinal);
        foreach (var name in new[] { "PendingDocuments", "Wallet", "Dependents", "RegistryMismatches" })
            Assert.DoesNotContain($"\"{name}\"", json, StringComparison.Ordinal);

        var loaded = Serializer.Deserialize<AccountState>(new BinaryData(json))!;
        Assert.Equal("Lê Văn Tám", loaded.FullName);
        Assert.Empty(loaded.Wallet);
        Assert.Empty(loaded.Dependents);
        Assert.Empty(loaded.PendingDocuments);
        Assert.Empty(loaded.RegistryMismatches);
    }

    [Fact]
    public void Filled_lists_are_stored_and_read_back()
    {
        var at = new DateTimeOffset(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);
        var state = new AccountState { Dependents = ["001220000001"], RegistryMismatches = [at] };
        state.Wallet.Add(new IntegratedDocument(DocumentKind.DriverLicence, "AB123456", "Hà Nội", null, null, "officer-hn-01", "CAP-HN"));

        var loaded = Serializer.Deserialize<AccountState>(Serializer.Serialize(state))!;
        Assert.Equal(["001220000001"], loaded.Dependents);
        Assert.Equal([at], loaded.RegistryMismatches);
        Assert.Equal(state.Wallet, loaded.Wallet);
        Assert.Empty(loaded.PendingDocuments);
    }

    [Fact]
    public void A_row_stored_with_empty_lists_before_still_loads()
    {
        var older = new BinaryData("""
            {"$id":"1","$type":"Orleans.VNeID.Accounts.AccountState, Orleans.VNeID.Grains","FullName":"Lê Văn Tám",
             "Wallet":{"$type":"System.Collections.Generic.List`1[[Orleans.VNeID.Dossiers.IntegratedDocument, Orleans.VNeID.Contracts]], System.Private.CoreLib","$values":[]},
             "Dependents":{"$type":"System.Collections.Generic.List`1[[System.String, System.Private.CoreLib]], System.Private.CoreLib","$values":["001220000001"]}}
            """);
        var loaded = Serializer.Deserialize<AccountState>(older)!;
        Assert.Equal("Lê Văn Tám", loaded.FullName);
        Assert.Empty(loaded.Wallet);
        Assert.Equal(["001220000001"], loaded.Dependents);
    }

    /// <summary>
    /// The silo's types moved to Orleans.VNeID.Grains.*; stored rows name them as before, nested in lists too, and rows
    /// written before the move load (StoredTypeNames).
    /// </summary>
    [Fact]
    public void States_keep_the_type_names_they_were_stored_under_nested_ones_too()
    {
        var state = new AccountState { FullName = "Lê Văn Tám" };
        state.Sessions.Add(new Orleans.VNeID.Grains.Security.SessionRecord { Id = "s1", Device = "Chrome, Linux" });
        var json = Encoding.UTF8.GetString(Serializer.Serialize(state).ToArray());
        Assert.Contains("[[Orleans.VNeID.Security.SessionRecord, Orleans.VNeID.Grains]]", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Orleans.VNeID.Grains.", json, StringComparison.Ordinal);
        Assert.Equal("Chrome, Linux", Serializer.Deserialize<AccountState>(new BinaryData(json))!.Sessions.Single().Device);

        var older = new BinaryData("""
            {"$id":"1","$type":"Orleans.VNeID.Accounts.AccountState, Orleans.VNeID.Grains","FullName":"Lê Văn Tám",
             "Sessions":{"$type":"System.Collections.Generic.List`1[[Orleans.VNeID.Security.SessionRecord, Orleans.VNeID.Grains]], System.Private.CoreLib",
               "$values":[{"$id":"2","$type":"Orleans.VNeID.Security.SessionRecord, Orleans.VNeID.Grains","Id":"s1","Device":"Firefox"}]}}
            """);
        Assert.Equal("Firefox", Serializer.Deserialize<AccountState>(older)!.Sessions.Single().Device);
    }
}
