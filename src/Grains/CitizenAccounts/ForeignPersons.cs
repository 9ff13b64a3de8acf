using Orleans.Concurrency;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <inheritdoc cref="IForeignPersonGrain"/>
public sealed class ForeignPersonGrain(
    [PersistentState("foreign-person", PlatformNames.AccountStorage)] IPersistentState<ForeignPerson> storage)
    : Grain, IForeignPersonGrain
{
    public async Task<string> ClaimAsync(string accountId)
    {
        if (storage.State.AccountId is { } held) return held;
        storage.State.AccountId = accountId;
        await storage.WriteStateAsync();
        return accountId;
    }

    public Task<string?> AccountAsync() => Task.FromResult(storage.State.AccountId);
}

[GenerateSerializer, Alias("vneid.ForeignPerson")]
public sealed class ForeignPerson
{
    [Id(0)] public string? AccountId { get; set; }
}

/// <inheritdoc cref="IAccountKeysGrain"/>
[StatelessWorker]
public sealed class AccountKeysGrain(IPopulationRegistry registry) : Grain, IAccountKeysGrain
{
    public async Task<string> AccountKeyAsync(string idNumber)
    {
        if (!IdentityNumber.TryParse(idNumber, out var id, out _) || id.IsCitizen) return idNumber;
        var record = await registry.FindAsync(id);
        var person = record?.PersonId ?? idNumber;
        if (await GrainFactory.GetGrain<IForeignPersonGrain>(person).AccountAsync() is not { } account) return idNumber;
        await GrainFactory.GetGrain<ICitizenAccountGrain>(account).RenewTravelDocumentAsync();
        return account;
    }
}
