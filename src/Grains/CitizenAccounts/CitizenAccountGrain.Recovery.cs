using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// Forgotten password (docs/domain.md, "The procedures"): a code to the registered phone when every detail matches (the card's issue date
/// included), or to the account's confirmed e-mail address (the card's issue date only for a citizen who holds a card),
/// then a new password.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    // Challenges chips of this ID number answered (in memory: a challenge lives 2 minutes, an idle activation 10).
    private HashSet<string>? _usedChipChallenges;

    /// <returns>
    /// Whether the details matched an active account (for the gateway's per-address budget of wrong details, never shown
    /// to the caller), paced when nothing was committed.
    /// </returns>
    public async Task<Result<bool>> StartRecoveryAsync(StartRecovery request)
    {
        // The registry is asked whether or not an account exists, so both answers cost the same.
        if (!IdentityNumber.TryParse(AccountId, out var id, out _)) return Paced(Result.Ok(false));
        var citizen = await registry.FindAsync(id);
        if (!Exists) return Paced(Result.Ok(false));

        var now = Now();
        var byEmail = request.Phone is null;
        var refusal =
            !_lifecycle.IsActive ? "account not active" :
            byEmail && (State.Email is null || !string.Equals(request.Email?.Trim(), State.Email, StringComparison.OrdinalIgnoreCase))
                ? "e-mail does not match a confirmed address" :
            !byEmail && !string.Equals(request.Phone?.Trim(), State.Phone, StringComparison.Ordinal) ? "phone does not match" :
            citizen is null || !CitizenName.Matches(request.FullName ?? "", citizen.FullName) || citizen.DateOfBirth != request.DateOfBirth
                || (byEmail ? citizen.CardIssuedOn is { } issued && request.CardIssuedOn != issued : citizen.CardIssuedOn != request.CardIssuedOn)
                ? "personal details do not match" :
            codes.SendWait(State, now, CodeBudget.Anonymous) is not null ? "send limit" :
            null;
        if (refusal is null)
        {
            // From the anonymous budget: a stranger with the printed details and the phone number can spend it, never the
            // owner's (the chip, the password, the office still send codes).
            State.RecoveryOtp = codes.Issue(State, AccountId, now, CodeBudget.Anonymous, out var code);
            Raise(AccountEventKind.RecoveryRequested, Unchanged(), SystemActor, byEmail ? "by e-mail" : null, now,
                [byEmail ? CodeTo(NotificationChannel.Email, State.Email!, code) : CodeTo(NotificationChannel.Sms, State.Phone!, code)]);
        }
        else
        {
            // Wrong details count against the requester (the gateway's budget per client address), never on the owner's
            // code factor: a lockout a stranger could start would silence the owner's codes.
            Raise(AccountEventKind.RecoveryRefused, Unchanged(), SystemActor, refusal, now);
        }
        await CommitAsync();
        return Result.Ok(refusal is null || !refusal.EndsWith("do not match", StringComparison.Ordinal));
    }

    public async Task<Result<bool>> StartNfcRecoveryAsync(ChipRead chip)
    {
        var verified = chipVerifier.Verify(chip, clock.GetUtcNow());
        if (!verified.Succeeded) return verified.Error!;
        var holder = verified.Value!;
        // The chip speaks for its own ID number only; comparing it with the route tells the caller nothing new.
        if (holder.IdNumber != AccountId) return ErrorCatalogue.ChipOtherPerson.Refuse();
        // A chip's answer counts once: a recorded read replayed within the challenge's lifetime proves no chip is here.
        if (!(_usedChipChallenges ??= []).Add(Convert.ToHexString(chip.Challenge!))) return ErrorCatalogue.ChipNotPresent.Refuse("This challenge was answered before.");
        if (_usedChipChallenges.Count > 64) _usedChipChallenges.Clear();

        // The registry is asked whether or not an account exists, so both answers cost the same.
        var citizen = await registry.FindAsync(IdentityNumber.Parse(AccountId));
        if (!Exists) return Paced(Result.Ok(true));
        var now = Now();
        var today = VietnamTime.Today(clock);
        var refusal =
            !_lifecycle.IsActive ? "account not active" :
            BruteForceGuard.LockedFor(State.OtpFailures, now) is not null ? "codes temporarily locked" :
            State.Phone is null ? "no registered phone" :
            // Rule: only the valid card on record recovers: not an expired, lost or replaced one (the same number, an earlier issue).
            citizen is null || citizen.CardProblemOn(today, holder.CardNumber) is not null || citizen.CardIssuedOn != holder.IssuedOn
                ? "chip is not the valid card on record" :
            !CitizenName.Matches(holder.FullName, citizen.FullName) || citizen.DateOfBirth != holder.DateOfBirth ? "chip details do not match the registry" :
            codes.SendWait(State, now, CodeBudget.Owner) is not null ? "send limit" :
            null;
        if (refusal is null)
        {
            // The chip proves what a stranger lacks: the owner's budget.
            State.RecoveryOtp = codes.Issue(State, AccountId, now, CodeBudget.Owner, out var code);
            Raise(AccountEventKind.RecoveryRequested, Unchanged(), SystemActor, "by NFC (chip passed passive authentication)", now,
                [CodeTo(NotificationChannel.Sms, State.Phone!, code)]);
        }
        else
        {
            Raise(AccountEventKind.RecoveryRefused, Unchanged(), SystemActor, $"NFC: {refusal}", now);
        }
        await CommitAsync();
        return Result.Ok(true);
    }

    /// <summary>How long a new phone recorded at a desk waits for the second officer.</summary>
    private static readonly TimeSpan PhoneChangeWindow = TimeSpan.FromHours(1);

    public async Task<Result<Orleans.VNeID.OfficeDesk.OfficeRecoveryReceipt>> StartRecoveryAtOfficeAsync(Actor officer, string officeCode, string? newPhone, string evidence)
    {
        if (!Exists) return AccountRefusals.NotFound();
        if (_lifecycle.Status == AccountStatus.Locked)
            return _lifecycle.WithState(ErrorCatalogue.AccountLocked.Refuse("A locked account is unlocked first (the officer's unlock), then recovered."));
        if (!_lifecycle.IsActive)
            return _lifecycle.WithState(ErrorCatalogue.InvalidState.Refuse("Only an active account is recovered; one not yet activated asks for a new activation code."));
        var now = Now();
        var phone = newPhone?.Trim() ?? State.Phone;
        if (phone is null) return ErrorCatalogue.NoPhoneOnRecord.Refuse("The account has no phone: give the citizen's phone at the desk.");
        // Matched in person: the code lockout earned by guesses no longer applies.
        State.OtpFailures = null;
        if (phone != State.Phone)
        {
            // One officer alone never moves an account's codes: the new phone waits for a second officer, and the phone on
            // record is told now, so that an owner who is not at the desk can stop it.
            State.PendingPhoneChange = new PendingPhoneChange
            {
                Phone = phone, OfficerId = officer.Id, OfficeCode = officeCode, ExpiresAt = now + PhoneChangeWindow, Evidence = evidence,
            };
            Raise(AccountEventKind.PhoneChangeRequested, Unchanged(), officer, $"in person at office {officeCode}: {evidence}; waits for a second officer", now,
                ToOwner(code: null));
            await CommitAsync();
            return Result.Ok(new Orleans.VNeID.OfficeDesk.OfficeRecoveryReceipt(AccountId, null, RecoveryCompleteUrl, AwaitingSecondOfficer: true,
                ConfirmUrl: $"/api/v1/offices/{officeCode}/recoveries/{AccountId}/confirmation"));
        }

        // The citizen stood at the desk: no online send limit applies (a stranger may have spent them), and every send
        // here is in the citizen's trail with the officer and the office.
        State.RecoveryOtp = codes.Issue(State, AccountId, now, CodeBudget.Office, out var code);
        Raise(AccountEventKind.RecoveryRequested, Unchanged(), officer, $"in person at office {officeCode}: {evidence}", now,
            [CodeTo(NotificationChannel.Sms, phone, code)]);
        await CommitAsync();
        return Result.Ok(new Orleans.VNeID.OfficeDesk.OfficeRecoveryReceipt(AccountId, AccountViews.MaskPhone(phone), RecoveryCompleteUrl));
    }

    public async Task<Result<Orleans.VNeID.OfficeDesk.OfficeRecoveryReceipt>> ConfirmPhoneChangeAtOfficeAsync(Actor confirmer, string officeCode)
    {
        var now = Now();
        if (!Exists || State.PendingPhoneChange is not { } pending || pending.ExpiresAt <= now || pending.OfficeCode != officeCode)
            return ErrorCatalogue.NothingToConfirm.Refuse("No new phone recorded at this office within the hour waits for confirmation.");
        if (confirmer.Id == pending.OfficerId) return ErrorCatalogue.SecondPersonRequired.Refuse("Another officer of the office confirms the new phone.");
        if (!_lifecycle.IsActive) return _lifecycle.WithState(ErrorCatalogue.InvalidState.Refuse());

        State.PendingPhoneChange = null;
        ChangeContacts(pending.Phone, State.Email, confirmer,
            $"in person at office {officeCode}: recorded by {pending.OfficerId}, confirmed by {confirmer.Id} ({pending.Evidence})", now);
        State.RecoveryOtp = codes.Issue(State, AccountId, now, CodeBudget.Office, out var code);
        Raise(AccountEventKind.RecoveryRequested, Unchanged(), confirmer, $"in person at office {officeCode}: new phone confirmed by a second officer", now,
            [CodeTo(NotificationChannel.Sms, pending.Phone, code)]);
        await CommitAsync();
        return Result.Ok(new Orleans.VNeID.OfficeDesk.OfficeRecoveryReceipt(AccountId, AccountViews.MaskPhone(pending.Phone), RecoveryCompleteUrl));
    }

    private string RecoveryCompleteUrl => $"/api/v1/recovery/{AccountId}/password";

    public async Task RecordBiometricRefusalAsync(Actor officer, string officeCode, bool suspect)
    {
        if (!Exists) return;
        Raise(AccountEventKind.BiometricsRefused, Unchanged(), officer,
            $"at office {officeCode}: {(suspect ? "suspect capture (portrait and fingerprint disagree)" : "no match")}", Now(), ToOwner(code: null));
        await CommitAsync();
    }

    public async Task<Result<AccountView>> CompleteRecoveryAsync(string otp, string newPassword, bool removePasskeys = false)
    {
        var passwordProblems = passwords.ProblemsWith(newPassword);
        if (passwordProblems.Count > 0) return AccountRefusals.Validation(new() { ["newPassword"] = [.. passwordProblems] });

        var now = Now();
        // No recovery in progress: no code can be right, and guesses must not spend anything of the owner's.
        if (!Exists || !_lifecycle.IsActive || !OtpIssuer.IsLive(State.RecoveryOtp, now)) return PhantomCodeFailure<AccountView>();
        var pending = State.RecoveryOtp!;
        if (!codes.Verify(AccountId, pending, otp)) return await WrongAnonymousCodeAsync<AccountView>(pending, now);

        State.RecoveryOtp = null;
        State.PasswordHash = passwords.Hash(newPassword);
        State.PasswordFailures = null;
        State.OtpFailures = null;
        var ended = EndAllSessions();
        Raise(AccountEventKind.PasswordChanged, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "password recovery", now, ToOwner(code: null), ended);
        if (removePasskeys && State.Passkeys is { Count: > 0 } passkeys)
        {
            Raise(AccountEventKind.PasskeyRemoved, Unchanged(), new Actor(ActorRole.Citizen, AccountId),
                $"every passkey ({passkeys.Count}) at a password recovery", now, ToOwner(code: null));
            State.Passkeys = null;
        }
        await CommitAsync();
        return Result.Ok(View());
    }
}
