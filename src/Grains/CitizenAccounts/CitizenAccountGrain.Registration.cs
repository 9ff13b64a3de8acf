using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>Level-1 registration: declaration against the registry, activation codes, activation.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<int>> DeclareAsync(DeclareAccount declaration)
    {
        if (!IdentityNumber.TryParse(AccountId, out var id, out var idError))
            return AccountRefusals.Validation(new() { ["idNumber"] = [idError] });
        if (Declaration.Check(id, declaration, registrationOptions.Value, VietnamTime.Today(clock)) is { } refusal) return refusal;

        var now = Now();
        // A list is made only when a declaration fails to match (most activations never need one).
        var mismatches = Exists ? State.RegistryMismatchesIfAny() : _phantomMismatches;
        if (mismatches is not null && Declaration.OverBudget(mismatches, registrationOptions.Value, now) is { } wait)
            return ErrorCatalogue.DeclarationAttemptsExceeded.Refuse(wait);

        var citizen = await registry.FindAsync(id);
        if (!Declaration.Matches(citizen, id, declaration)) return await CountMismatchAsync(Exists ? State.RegistryMismatches : PhantomMismatches, now);
        // Codes go only to the phone the registry holds (the one the carrier confirmed as the citizen's): a typed phone
        // is never sent anything, so knowing the printed card details is not enough to take the account.
        if (string.IsNullOrWhiteSpace(citizen!.Phone)) return ErrorCatalogue.NoPhoneOnRecord.Refuse();

        if (Exists)
        {
            // The same answer as a new declaration. The owner, not the declarer, is told, at most once an interval and from
            // no code budget: the printed details are on every photocopy of the card, so repeating them must silence nothing.
            if (State.RepeatNoticeAt is not { } told || now - told >= registrationOptions.Value.RepeatNoticeInterval)
            {
                State.RepeatNoticeAt = now;
                Raise(AccountEventKind.DeclarationRepeated, Unchanged(), SystemActor, PhoneNote(declaration), now, ToOwner(code: null));
                await CommitAsync();
                return Result.Ok(codes.ValiditySeconds);
            }
            return Paced(Result.Ok(codes.ValiditySeconds));
        }

        // One account per foreigner: the person's first account keeps them, whatever passport a later declaration names
        // (the gateway sends a renewed passport to it; this catches two declarations racing). The answer is the same.
        if (!id.IsCitizen && await GrainFactory.GetGrain<IForeignPersonGrain>(citizen.PersonId ?? AccountId).ClaimAsync(AccountId) != AccountId)
            return Paced(Result.Ok(codes.ValiditySeconds));

        CopyFromRegistry(citizen);
        State.Phone = citizen.Phone;
        State.DeclaredAt = now;

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchRegistry);
        State.Otp = codes.Issue(State, AccountId, now, CodeBudget.Anonymous, out var code);
        Raise(AccountEventKind.Declared, outcome, SystemActor, PhoneNote(declaration), now, ToOwner(code));
        await CommitAsync();
        return Result.Ok(codes.ValiditySeconds);
    }

    /// <summary>
    /// Sends a new activation code to the phone on record when the account waits for activation and the limits allow.
    /// Says nothing either way: an unknown ID, an active account and a spent send budget answer alike.
    /// </summary>
    public async Task<Result<bool>> ResendOtpAsync()
    {
        var now = Now();
        if (!Exists || !_lifecycle.CanFire(AccountTrigger.ResendOtp)
            || BruteForceGuard.LockedFor(State.OtpFailures, now) is not null || codes.SendWait(State, now, CodeBudget.Anonymous) is not null)
            return Paced(Result.Ok(true));

        var outcome = await _lifecycle.FireAsync(AccountTrigger.ResendOtp);
        State.Otp = codes.Issue(State, AccountId, now, CodeBudget.Anonymous, out var code);
        Raise(AccountEventKind.OtpIssued, outcome, SystemActor, null, now, ToOwner(code));
        await CommitAsync();
        return Result.Ok(true);
    }

    public async Task<Result<AccountView>> ActivateAsync(string otp, string newPassword)
    {
        var passwordProblems = passwords.ProblemsWith(newPassword);
        if (passwordProblems.Count > 0) return AccountRefusals.Validation(new() { ["password"] = [.. passwordProblems] });
        return await CompleteActivationAsync(otp, newPassword);
    }

    /// <summary>The owner confirms a level-2 upgrade with its code; the password stays as it is.</summary>
    public Task<Result<AccountView>> ConfirmUpgradeAsync(string otp) => CompleteActivationAsync(otp, newPassword: null);

    /// <summary>
    /// A code completes what the account waits for: an activation (with the new password it needs), or the upgrade of a
    /// level-1 account to level 2 (with a new password only if one is given).
    /// </summary>
    private async Task<Result<AccountView>> CompleteActivationAsync(string otp, string? newPassword)
    {
        var now = Now();
        // No account, none waiting for activation, or no live code: no code can be right. Answered as a wrong code is, so
        // the route tells nobody whether or in which state an account exists.
        AccountTrigger? trigger = newPassword is not null && _lifecycle.CanFire(AccountTrigger.Activate) ? AccountTrigger.Activate
            : _lifecycle.CanFire(AccountTrigger.ConfirmUpgrade) ? AccountTrigger.ConfirmUpgrade
            : null;
        if (!Exists || trigger is null || !OtpIssuer.IsLive(State.Otp, now))
            return PhantomCodeFailure<AccountView>();
        var pending = State.Otp!;
        if (!codes.Verify(AccountId, pending, otp)) return await WrongAnonymousCodeAsync<AccountView>(pending, now);

        State.Otp = null;
        State.OtpFailures = null;
        if (newPassword is not null) State.PasswordHash = passwords.Hash(newPassword);
        if (trigger == AccountTrigger.Activate) State.ActivatedAt = now;
        var outcome = await _lifecycle.FireAsync(trigger.Value);
        if (outcome.To == AccountStatus.Level2)
        {
            // The papers the officer compared with their originals become the wallet with level 2.
            State.Wallet.AddRange(State.PendingDocuments);
            State.PendingDocuments.Clear();
        }
        Raise(AccountEventKind.Activated, outcome, SystemActor, trigger == AccountTrigger.ConfirmUpgrade ? "level-2 upgrade confirmed" : null, now,
            ToOwner(code: null));
        await CommitAsync();
        return Result.Ok(View());
    }

    /// <summary>Counts a declaration the registry did not confirm; stored for an account, in memory (kept alive) otherwise.</summary>
    private async Task<Result<int>> CountMismatchAsync(List<DateTimeOffset> mismatches, DateTimeOffset now)
    {
        mismatches.Add(now);
        if (!Exists)
        {
            // The count must outlive an idle activation, or waiting would reset the budget.
            DelayDeactivation(registrationOptions.Value.MismatchWindow);
            return Paced<int>(Declaration.Mismatch());
        }
        Raise(AccountEventKind.DeclarationMismatch, Unchanged(), SystemActor, null, now);
        await CommitAsync();
        return Declaration.Mismatch();
    }

    /// <summary>Whether the declarer typed the phone on record (audited; never answered).</summary>
    private string? PhoneNote(DeclareAccount declaration) =>
        string.IsNullOrWhiteSpace(declaration.Phone) ? null :
        declaration.Phone.Trim() == State.RegistryPhone || declaration.Phone.Trim() == State.Phone ? null : "declared phone differs from the phone on record";

    private void CopyFromRegistry(CitizenRecord citizen)
    {
        State.FullName = citizen.FullName;
        State.DateOfBirth = citizen.DateOfBirth;
        State.Gender = citizen.Gender;
        State.RegistryPhone = citizen.Phone;
        State.Nationality = citizen.Nationality;
    }
}
