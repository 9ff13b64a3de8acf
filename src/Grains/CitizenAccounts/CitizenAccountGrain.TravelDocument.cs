using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// A foreigner's account belongs to the person, not to the passport (issue 31): a passport the immigration database
/// renewed for the same person replaces the old one in the wallet and in the claims; the account keeps its key (the first
/// passport), its level, its wallet and its history, and the old passport still finds it.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<string> RenewTravelDocumentAsync()
    {
        var held = State.TravelDocument ?? AccountId;
        var id = IdentityNumber.Parse(AccountId);
        if (!Exists || id.IsCitizen) return held;
        var first = await registry.FindAsync(id);
        if (await registry.FindCurrentPassportAsync(first?.PersonId ?? AccountId) is not { } current || current.IdNumber == held) return held;
        var previous = held == AccountId ? first : await registry.FindAsync(IdentityNumber.Parse(held));
        if (previous?.CardIssuedOn is { } before && current.CardIssuedOn is { } after && after <= before) return held;
        State.TravelDocument = current.IdNumber == AccountId ? null : current.IdNumber;
        var passport = IdentityNumber.Parse(current.IdNumber);
        // The wallet's passport (a level-2 account's) is the one in force, as the immigration database states it.
        var replaced = State.Wallet.RemoveAll(d => d.Kind == DocumentKind.Passport) > 0;
        if (replaced)
            State.Wallet.Add(new IntegratedDocument(DocumentKind.Passport, current.CardNumber!, passport.IssuingCountry, current.CardIssuedOn,
                current.CardValidUntil, IntegratedDocument.RegisterEvidence, ""));
        Raise(AccountEventKind.WalletChanged, Unchanged(), SystemActor,
            $"passport {held} renewed as {current.IdNumber} in the immigration database{(replaced ? "; the wallet's passport replaced" : "")}", Now(), ToOwner(code: null));
        await CommitAsync();
        return current.IdNumber;
    }
}
