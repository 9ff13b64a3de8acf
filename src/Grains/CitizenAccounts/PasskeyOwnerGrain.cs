using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <inheritdoc cref="IPasskeyOwnerGrain"/>
public sealed class PasskeyOwnerGrain(
    [PersistentState("passkey-owner", PlatformNames.AccountStorage)] IPersistentState<PasskeyOwner> storage)
    : Grain, IPasskeyOwnerGrain
{
    public async Task<bool> ClaimAsync(string accountId)
    {
        if (storage.State.AccountId is { } owner) return owner == accountId;
        storage.State.AccountId = accountId;
        await storage.WriteStateAsync();
        return true;
    }

    public Task<string?> OwnerAsync() => Task.FromResult(storage.State.AccountId);
}

/// <summary>The account a passkey user handle belongs to.</summary>
[GenerateSerializer, Alias("vneid.PasskeyOwner")]
public sealed class PasskeyOwner
{
    [Id(0)] public string? AccountId { get; set; }
}
