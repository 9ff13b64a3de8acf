using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.CitizenAccounts;

/// <summary>Level-1 registration: declaration against the registry, activation codes, activation.</summary>
public sealed partial class CitizenAccountGrain
{
    public async Task<Result<int>> DeclareAsync(DeclareAccount declaration)
    {
        if (!PersonalIdNumber.TryParse(AccountId, out var id, out var idError))
            return AccountRefusals.Validation(new() { ["idNumber"] = [idError] });
        if (Declaration.Check(id, declaration, registrationOptions.Value, VietnamTime.Today(clock)) is { } refusal) return refusal;

        var citizen = await registry.FindAsync(id);
        if (!Declaration.Matches(citizen, id, declaration)) return Declaration.Mismatch();

        var now = Now();
        if (Exists)
        {
            // The same answer as a new declaration; the owner, not the declarer, is told (within the send limits).
            if (codes.SendWait(State, now) is null)
            {
                State.OtpSends.Add(now);
                Raise(AccountEventKind.DeclarationRepeated, Unchanged(), SystemActor, null, now, ToOwner(code: null));
                await CommitAsync();
            }
            return Result.Ok(codes.ValiditySeconds);
        }

        CopyFromRegistry(citizen!);
        State.Phone = string.IsNullOrWhiteSpace(declaration.Phone) ? null : declaration.Phone.Trim();
        State.Email = string.IsNullOrWhiteSpace(declaration.Email) ? null : declaration.Email.Trim();
        State.DeclaredAt = now;

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchRegistry);
        State.Otp = codes.Issue(State, AccountId, now, out var code);
        Raise(AccountEventKind.Declared, outcome, SystemActor, null, now, ToOwner(code));
        await CommitAsync();
        return Result.Ok(codes.ValiditySeconds);
    }

    public async Task<Result<AccountView>> ResendOtpAsync()
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.ResendOtp)) return _lifecycle.ConflictFor(AccountTrigger.ResendOtp);

        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (codes.SendLimit(State, now) is { } limit) return limit;

        var outcome = await _lifecycle.FireAsync(AccountTrigger.ResendOtp);
        State.Otp = codes.Issue(State, AccountId, now, out var code);
        Raise(AccountEventKind.OtpIssued, outcome, SystemActor, null, now, ToOwner(code));
        await CommitAsync();
        return Result.Ok(View());
    }

    public async Task<Result<AccountView>> ActivateAsync(string otp, string newPassword)
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Activate)) return _lifecycle.ConflictFor(AccountTrigger.Activate);

        var passwordProblems = passwords.ProblemsWith(newPassword);
        if (passwordProblems.Count > 0) return AccountRefusals.Validation(new() { ["password"] = [.. passwordProblems] });

        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountRefusals.OtpLockedOut(lockedFor);
        if (!OtpIssuer.IsLive(State.Otp, now)) return ErrorCatalogue.OtpExpired.Refuse();
        var pending = State.Otp!;
        if (!codes.Verify(AccountId, pending, otp)) return await WrongCodeAsync(pending, now) ?? codes.WrongActivationCode(pending);

        State.Otp = null;
        BruteForceGuard.Reset(State.OtpFailures);
        State.PasswordHash = passwords.Hash(newPassword);
        State.ActivatedAt = now;
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Activate);
        if (outcome.To == AccountStatus.Level2)
        {
            // The papers the officer compared with their originals become the wallet with level 2.
            State.Wallet.AddRange(State.PendingDocuments);
            State.PendingDocuments.Clear();
        }
        Raise(AccountEventKind.Activated, outcome, SystemActor, null, now, ToOwner(code: null));
        await CommitAsync();
        return Result.Ok(View());
    }

    private void CopyFromRegistry(CitizenRecord citizen)
    {
        State.FullName = citizen.FullName;
        State.DateOfBirth = citizen.DateOfBirth;
        State.Gender = citizen.Gender;
        State.RegistryPhone = citizen.Phone;
    }
}
