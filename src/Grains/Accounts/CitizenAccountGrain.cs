using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.VNeID.Audit;
using Orleans.VNeID.Hosting;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// One citizen's account, keyed by the personal ID number. The lifecycle decides what is permitted; every accepted
/// command and every security-relevant event is written (events hash-chained for the audit trail) before the answer;
/// events are then published and re-published by a reminder until the dispatcher confirms them.
/// </summary>
// Random placement spreads accounts evenly over the silos; the default prefers the silo the call came in through,
// which piles every account a gateway touches onto its one gateway silo.
[RandomPlacement]
[GrainType(PlatformNames.AccountGrainType)]
public sealed class CitizenAccountGrain(
    [PersistentState("account", PlatformNames.AccountStorage)] IPersistentState<AccountState> storage,
    IPopulationRegistry registry,
    OtpCodes otpCodes,
    SecretSealer sealer,
    IPasswordHasher<AccountState> passwordHasher,
    TimingEqualizer timing,
    IOptions<OtpOptions> otpOptions,
    IOptions<RegistrationOptions> registrationOptions,
    IOptions<PasswordPolicyOptions> passwordOptions,
    IOptions<NotificationOptions> notificationOptions,
    IOptions<BruteForceOptions> lockoutOptions,
    IOptions<SessionOptions> sessionOptions,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<CitizenAccountGrain> logger)
    : Grain, ICitizenAccountGrain, IRemindable
{
    private const string RedriveReminder = "notification-redrive";
    private const int RotatedHashesKept = 10;
    private static readonly Actor SystemActor = new(ActorRole.System, "system");

    private static readonly AccountError InvalidCredentials = new(ErrorKind.Unauthorized, "invalid_credentials",
        "The ID number or the password is wrong, or the account is locked.");
    private static readonly AccountError InvalidRefresh = new(ErrorKind.Unauthorized, "refresh_invalid",
        "The refresh token is not valid; log in again.");
    private static readonly AccountError InvalidRecoveryCode = new(ErrorKind.Unprocessable, "otp_invalid",
        "The code is wrong or has expired.");

    // An ID number without an account counts failures in memory only: it answers exactly as an account would
    // (no enumeration) without a stored row for every probed number.
    private readonly FactorFailures _phantomPasswordFailures = new();
    private readonly FactorFailures _phantomOtpFailures = new();

    private AccountLifecycle _lifecycle = null!;
    private IGrainReminder? _redrive;
    private bool _acknowledgementsUnsaved;

    private AccountState State => storage.State;
    private string AccountId => this.GetPrimaryKeyString();
    private bool Exists => storage.RecordExists;
    private OtpOptions Otp => otpOptions.Value;
    private BruteForceOptions Lockout => lockoutOptions.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lifecycle = new AccountLifecycle(State.Lifecycle, retainSynchronizationContext: true);
        // Stored events not known to be delivered: a failed delivery, a silo that died mid-command, or a confirmation
        // that was never saved (the outbox and the audit trail ignore a repeat).
        if (State.PendingEvents.Count > 0) await DeliverPendingAsync();
    }

    // ----- Level-1 registration and activation -----

    public async Task<DeclarationResult> DeclareAsync(DeclareAccount declaration)
    {
        if (!PersonalIdNumber.TryParse(AccountId, out var id, out var idError))
            return new DeclarationResult(0, Validation(new() { ["idNumber"] = [idError] }));

        var fieldErrors = new Dictionary<string, string[]>();
        if (!id.AgreesWith(declaration.DateOfBirth, declaration.Gender))
            fieldErrors["idNumber"] = ["The ID number's century, gender and birth-year digits do not agree with the declared date of birth and gender."];
        if (!CitizenName.IsWellFormed(declaration.FullName))
            fieldErrors["fullName"] = ["The full name must be 1 to 100 letters, spaces, apostrophes or hyphens."];
        if (string.IsNullOrWhiteSpace(declaration.Phone) && string.IsNullOrWhiteSpace(declaration.Email))
            fieldErrors["phone"] = ["A phone number or an e-mail address is needed to receive the activation code."];
        if (fieldErrors.Count > 0) return new DeclarationResult(0, Validation(fieldErrors));

        var minimumAge = registrationOptions.Value.MinimumAge;
        if (VietnamTime.AgeOn(declaration.DateOfBirth, VietnamTime.Today(clock)) < minimumAge)
        {
            return new DeclarationResult(0, new AccountError(ErrorKind.Unprocessable, "under_minimum_age",
                $"Citizens may register from the age of {minimumAge}; a parent can declare a younger child as a dependent."));
        }

        var citizen = await registry.FindAsync(id);
        if (citizen is null || !citizen.Matches(id, declaration))
        {
            // One answer for "unknown" and "different": the registry's contents are not disclosed.
            return new DeclarationResult(0, new AccountError(ErrorKind.Unprocessable, "registry_mismatch",
                "The declared ID number, full name, date of birth and gender do not match the National Population Database."));
        }

        var now = Now();
        if (Exists)
        {
            // The same answer as a new declaration; the owner, not the declarer, is told (within the send limits).
            if (SendWait(now) is null)
            {
                State.OtpSends.Add(now);
                Raise(AccountEventKind.DeclarationRepeated, Unchanged(), SystemActor, null, now, ToOwner(code: null));
                await CommitAsync();
            }
            return new DeclarationResult(Otp.ValiditySeconds, null);
        }

        CopyFromRegistry(citizen);
        State.Phone = string.IsNullOrWhiteSpace(declaration.Phone) ? null : declaration.Phone.Trim();
        State.Email = string.IsNullOrWhiteSpace(declaration.Email) ? null : declaration.Email.Trim();
        State.DeclaredAt = now;

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchRegistry);
        State.Otp = IssueOtp(now, out var code);
        Raise(AccountEventKind.Declared, outcome, SystemActor, null, now, ToOwner(code));
        await CommitAsync();
        return new DeclarationResult(Otp.ValiditySeconds, null);
    }

    public async Task<AccountResult> ResendOtpAsync()
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.ResendOtp)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.ResendOtp));

        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountResult.Fail(OtpLockedOut(lockedFor));
        if (SendLimit(now) is { } limit) return AccountResult.Fail(limit);

        var outcome = await _lifecycle.FireAsync(AccountTrigger.ResendOtp);
        State.Otp = IssueOtp(now, out var code);
        Raise(AccountEventKind.OtpIssued, outcome, SystemActor, null, now, ToOwner(code));
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<AccountResult> ActivateAsync(string otp, string newPassword)
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Activate)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Activate));

        var passwordProblems = PasswordPolicy.Check(newPassword, passwordOptions.Value);
        if (passwordProblems.Count > 0) return AccountResult.Fail(Validation(new() { ["password"] = [.. passwordProblems] }));

        var now = Now();
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountResult.Fail(OtpLockedOut(lockedFor));
        if (State.Otp is not { } pending || pending.ExpiresAt <= now)
        {
            return AccountResult.Fail(new AccountError(ErrorKind.Unprocessable, "otp_expired",
                "There is no valid activation code: request a new one."));
        }
        if (!otpCodes.Verify(AccountId, pending.Issue, otp ?? "", pending.Hash))
        {
            var refusal = await WrongCodeAsync(pending, now);
            return AccountResult.Fail(refusal ?? new AccountError(ErrorKind.Unprocessable, "otp_invalid",
                $"The activation code is wrong; {Otp.MaxWrongAttempts - pending.WrongAttempts} attempt(s) left."));
        }

        State.Otp = null;
        BruteForceGuard.Reset(State.OtpFailures);
        State.PasswordHash = passwordHasher.HashPassword(State, newPassword);
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
        return AccountResult.Ok(View());
    }

    // ----- Login and sessions -----

    public async Task<LoginResult> LogInAsync(string password)
    {
        var now = Now();
        if (!Exists)
        {
            timing.SpendPasswordCheck(password);
            return new LoginResult(null, PhantomFailure(_phantomPasswordFailures, now, LoginLockedOut));
        }

        if (BruteForceGuard.LockedFor(State.PasswordFailures, now) is { } lockedFor)
        {
            // Refused without a password check; the attempt still counts toward the permanent lock.
            await CountLoginFailureAsync(now, "attempt during a temporary lockout");
            return new LoginResult(null, State.Lifecycle.Status == AccountStatus.Locked ? InvalidCredentials : LoginLockedOut(lockedFor));
        }
        if (State.Lifecycle.Status == AccountStatus.Locked || State.PasswordHash is null)
        {
            timing.SpendPasswordCheck(password);
            Raise(AccountEventKind.LoginFailed, Unchanged(), SystemActor, State.PasswordHash is null ? "not activated" : "account locked", now);
            await CommitAsync();
            return new LoginResult(null, InvalidCredentials);
        }

        var verdict = passwordHasher.VerifyHashedPassword(State, State.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var error = await CountLoginFailureAsync(now, "wrong password");
            return new LoginResult(null, error);
        }
        if (!_lifecycle.CanFire(AccountTrigger.LogIn)) return new LoginResult(null, _lifecycle.ConflictFor(AccountTrigger.LogIn));

        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        BruteForceGuard.Reset(State.PasswordFailures);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) State.PasswordHash = passwordHasher.HashPassword(State, password!);
        var grant = OpenSession(now);
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), null, now);
        await CommitAsync();
        return new LoginResult(grant, null);
    }

    public async Task<LoginResult> RefreshAsync(string sessionId, string refreshSecret)
    {
        var now = Now();
        if (!Exists || State.Lifecycle.Status == AccountStatus.Locked) return new LoginResult(null, InvalidRefresh);
        var session = State.Sessions.Find(s => s.Id == sessionId);
        if (session is null || session.RefreshExpiresAt <= now) return new LoginResult(null, InvalidRefresh);

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(refreshSecret ?? ""));
        if (CryptographicOperations.FixedTimeEquals(presented, session.RefreshHash))
        {
            session.RotatedHashes.Add(session.RefreshHash);
            if (session.RotatedHashes.Count > RotatedHashesKept) session.RotatedHashes.RemoveAt(0);
            var secret = NewSecret();
            session.RefreshHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            await SaveAsync();
            return new LoginResult(new LoginGrant(AccountId, _lifecycle.Level, session.Id, RefreshToken(session.Id, secret), session.RefreshExpiresAt), null);
        }
        if (session.RotatedHashes.Any(h => CryptographicOperations.FixedTimeEquals(presented, h)))
        {
            // A rotated-out token came back: someone holds a copy. Close the whole session (its token family).
            State.Sessions.Remove(session);
            Raise(AccountEventKind.RefreshTokenReused, Unchanged(), SystemActor, $"session {session.Id}", now, ToOwner(code: null));
            await CommitAsync();
            return new LoginResult(null, new AccountError(ErrorKind.Unauthorized, "refresh_reused",
                "This refresh token was already used; the session has been closed. Log in again."));
        }
        return new LoginResult(null, InvalidRefresh);
    }

    public Task<AccountView?> GetForSessionAsync(string sessionId) =>
        Task.FromResult(Exists && State.Lifecycle.Status != AccountStatus.Locked &&
                        State.Sessions.Exists(s => s.Id == sessionId && s.RefreshExpiresAt > clock.GetUtcNow()) ? View() : null);

    public async Task LogOutAsync(string sessionId)
    {
        if (!Exists || State.Sessions.RemoveAll(s => s.Id == sessionId) == 0) return;
        Raise(AccountEventKind.LoggedOut, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"session {sessionId}", Now());
        await CommitAsync();
    }

    // ----- Lock and unlock -----

    public async Task<AccountResult> LockAsync(Actor actor, string reason)
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Lock)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Lock));
        await LockNowAsync(actor, reason, Now());
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<AccountResult> UnlockAsync(Actor actor, string reason)
    {
        if (actor.Role is not (ActorRole.Officer or ActorRole.Operator))
            return AccountResult.Fail(new AccountError(ErrorKind.Forbidden, "forbidden", "Only an officer or an operator can unlock an account."));
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Unlock)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Unlock));

        var now = Now();
        State.Lock = null;
        // The officer has checked who the citizen is: counters from before the lock no longer count.
        BruteForceGuard.Reset(State.PasswordFailures);
        BruteForceGuard.Reset(State.OtpFailures);
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Unlock);
        Raise(AccountEventKind.Unlocked, outcome, actor, reason, now, ToOwner(code: null));
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    // ----- Forgotten password -----

    public async Task StartRecoveryAsync(StartRecovery request)
    {
        // The registry is asked whether or not an account exists, so both answers cost the same.
        if (!PersonalIdNumber.TryParse(AccountId, out var id, out _)) return;
        var citizen = await registry.FindAsync(id);
        if (!Exists) return;

        var now = Now();
        var refusal =
            State.Lifecycle.Status is not (AccountStatus.Level1 or AccountStatus.Level2) ? "account not active" :
            BruteForceGuard.LockedFor(State.OtpFailures, now) is not null ? "codes temporarily locked" :
            !string.Equals(request.Phone?.Trim(), State.Phone, StringComparison.Ordinal) ? "phone does not match" :
            citizen is null || !CitizenName.Matches(request.FullName ?? "", citizen.FullName) || citizen.DateOfBirth != request.DateOfBirth
                || citizen.CardIssuedOn != request.CardIssuedOn ? "personal details do not match" :
            SendWait(now) is not null ? "send limit" :
            null;
        if (refusal is null)
        {
            State.RecoveryOtp = IssueOtp(now, out var code);
            Raise(AccountEventKind.RecoveryRequested, Unchanged(), SystemActor, null, now,
                [new NotificationRequest(NotificationChannel.Sms, State.Phone!, sealer.Seal(code, AccountId), Otp.ValiditySeconds)]);
        }
        else
        {
            Raise(AccountEventKind.RecoveryRefused, Unchanged(), SystemActor, refusal, now);
            // Guessing details is guessing a factor: it counts like a wrong code.
            if (refusal.EndsWith("do not match", StringComparison.Ordinal)) await CountOtpFailureAsync(now);
        }
        await CommitAsync();
    }

    public async Task<AccountResult> CompleteRecoveryAsync(string otp, string newPassword)
    {
        var passwordProblems = PasswordPolicy.Check(newPassword, passwordOptions.Value);
        if (passwordProblems.Count > 0) return AccountResult.Fail(Validation(new() { ["newPassword"] = [.. passwordProblems] }));

        var now = Now();
        if (!Exists) return AccountResult.Fail(PhantomFailure(_phantomOtpFailures, now, OtpLockedOut, InvalidRecoveryCode));
        if (BruteForceGuard.LockedFor(State.OtpFailures, now) is { } lockedFor) return AccountResult.Fail(OtpLockedOut(lockedFor));
        if (State.Lifecycle.Status is not (AccountStatus.Level1 or AccountStatus.Level2) ||
            State.RecoveryOtp is not { } pending || pending.ExpiresAt <= now)
        {
            return AccountResult.Fail(await CountOtpFailureAsync(now) ?? InvalidRecoveryCode);
        }
        if (!otpCodes.Verify(AccountId, pending.Issue, otp ?? "", pending.Hash))
        {
            return AccountResult.Fail(await WrongCodeAsync(pending, now)
                                      ?? InvalidRecoveryCode);
        }

        State.RecoveryOtp = null;
        State.PasswordHash = passwordHasher.HashPassword(State, newPassword);
        BruteForceGuard.Reset(State.PasswordFailures);
        BruteForceGuard.Reset(State.OtpFailures);
        State.Sessions.Clear();
        Raise(AccountEventKind.PasswordChanged, Unchanged(), new Actor(ActorRole.Citizen, AccountId), "password recovery", now, ToOwner(code: null));
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    // ----- Level 2 -----

    public async Task<AccountResult> StartLevel2Async(Level2Upgrade upgrade)
    {
        if (!PersonalIdNumber.TryParse(AccountId, out var id, out var idError))
            return AccountResult.Fail(Validation(new() { ["idNumber"] = [idError] }));
        if (Exists && State.Lifecycle.Status == AccountStatus.Locked)
        {
            return AccountResult.Fail(new AccountError(ErrorKind.Conflict, "account_locked",
                "A locked account cannot be upgraded until an officer unlocks it.") { State = AccountStatus.Locked, PermittedTriggers = _lifecycle.PermittedTriggers });
        }
        if (!_lifecycle.CanFire(AccountTrigger.MatchBiometrics)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.MatchBiometrics));

        var now = Now();
        if (!Exists)
        {
            // A citizen without an account gets one from the dossier: the registry's data, the contacts given at the desk.
            if (await registry.FindAsync(id) is not { } citizen) return NotFound();
            CopyFromRegistry(citizen);
            State.DeclaredAt = now;
        }
        State.Phone = string.IsNullOrWhiteSpace(upgrade.Phone) ? State.Phone : upgrade.Phone.Trim();
        State.Email = string.IsNullOrWhiteSpace(upgrade.Email) ? State.Email : upgrade.Email.Trim();
        State.PendingDocuments = [.. upgrade.Documents];
        foreach (var child in upgrade.Dependents) if (!State.Dependents.Contains(child)) State.Dependents.Add(child);

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchBiometrics);
        State.Otp = IssueOtp(now, out var code);
        Raise(AccountEventKind.Level2Approved, outcome, upgrade.Officer, upgrade.Decision, now, ToOwner(code));
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public Task<WalletResult> GetWalletAsync() =>
        Task.FromResult(!Exists ? new WalletResult(null, NotFound().Error) :
            _lifecycle.Level != AccountLevel.Level2 ? new WalletResult(null, Level2Required()) :
            new WalletResult(State.Wallet.ToArray(), null));

    public async Task<WalletResult> AddDocumentAsync(Dossiers.IntegratedDocument document)
    {
        if (!Exists) return new WalletResult(null, NotFound().Error);
        if (State.Lifecycle.Status != AccountStatus.Level2) return new WalletResult(null, Level2Required());
        State.Wallet.RemoveAll(d => d.Kind == document.Kind && d.Number == document.Number);
        State.Wallet.Add(document);
        await SaveAsync();
        return new WalletResult(State.Wallet.ToArray(), null);
    }

    public Task<ProfileView?> GetProfileAsync()
    {
        if (!Exists) return Task.FromResult<ProfileView?>(null);
        var registryPhone = State.Phone is not null && State.Phone == State.RegistryPhone;
        ProfileField[] fields =
        [
            new("idNumber", AccountId, FieldSource.VerifiedByRegistry),
            new("fullName", State.FullName, FieldSource.VerifiedByRegistry),
            new("dateOfBirth", State.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), FieldSource.VerifiedByRegistry),
            new("gender", State.Gender.ToString(), FieldSource.VerifiedByRegistry),
            new("birthProvince", PersonalIdNumber.Parse(AccountId).ProvinceName, FieldSource.VerifiedByRegistry),
            new("phone", State.Phone, registryPhone ? FieldSource.VerifiedByRegistry : FieldSource.SelfDeclared),
            new("email", State.Email, FieldSource.SelfDeclared),
        ];
        return Task.FromResult<ProfileView?>(new ProfileView(AccountId, _lifecycle.Level, fields, State.Dependents.ToArray()));
    }

    private void CopyFromRegistry(CitizenRecord citizen)
    {
        State.FullName = citizen.FullName;
        State.DateOfBirth = citizen.DateOfBirth;
        State.Gender = citizen.Gender;
        State.RegistryPhone = citizen.Phone;
    }

    private static AccountError Level2Required() =>
        new(ErrorKind.Conflict, "level2_required", "Only a level-2 account holds documents; level 2 is registered in person at a police office.");

    // ----- Reads and delivery -----

    public Task<AccountView?> GetAsync() => Task.FromResult(Exists ? View() : null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RedriveReminder) return;
        if (State.PendingEvents.Count > 0) await DeliverPendingAsync();
        if (State.PendingEvents.Count > 0) return;
        if (_acknowledgementsUnsaved) await SaveAsync();
        var reminder = _redrive ?? await this.GetReminder(RedriveReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
        _redrive = null;
    }

    // ----- Brute-force accounting -----

    private async Task<AccountError> CountLoginFailureAsync(DateTimeOffset now, string reason)
    {
        Raise(AccountEventKind.LoginFailed, Unchanged(), SystemActor, reason, now);
        var verdict = BruteForceGuard.RecordFailure(State.PasswordFailures, Lockout, now);
        await ApplyVerdictAsync(verdict, now, AccountEventKind.LoginLockedOut, "brute force: passwords");
        await CommitAsync();
        return verdict == FailureVerdict.TemporarilyLocked ? LoginLockedOut(BruteForceGuard.LockedFor(State.PasswordFailures, now)!.Value) : InvalidCredentials;
    }

    /// <summary>A wrong code: counts on the code (void after the configured tries) and on the factor (lockouts).</summary>
    private async Task<AccountError?> WrongCodeAsync(PendingOtp pending, DateTimeOffset now)
    {
        pending.WrongAttempts++;
        var voided = pending.WrongAttempts >= Otp.MaxWrongAttempts;
        if (voided && ReferenceEquals(State.Otp, pending)) State.Otp = null;
        if (voided && ReferenceEquals(State.RecoveryOtp, pending)) State.RecoveryOtp = null;
        var factorError = await CountOtpFailureAsync(now);
        if (factorError is not null) return factorError;
        if (!voided) return null;
        return TooMany("otp_attempts_exceeded", $"The code was entered wrongly {Otp.MaxWrongAttempts} times and is now void: request a new one.",
            SendWait(now) ?? TimeSpan.Zero);
    }

    /// <summary>Records a one-time-code failure and commits; returns the refusal when it locked something.</summary>
    private async Task<AccountError?> CountOtpFailureAsync(DateTimeOffset now)
    {
        Raise(AccountEventKind.OtpFailed, Unchanged(), SystemActor, null, now);
        var verdict = BruteForceGuard.RecordFailure(State.OtpFailures, Lockout, now);
        if (verdict != FailureVerdict.Counted) { State.Otp = null; State.RecoveryOtp = null; }
        await ApplyVerdictAsync(verdict, now, AccountEventKind.OtpLockedOut, "brute force: one-time codes");
        await CommitAsync();
        return verdict == FailureVerdict.TemporarilyLocked ? OtpLockedOut(BruteForceGuard.LockedFor(State.OtpFailures, now)!.Value) : null;
    }

    /// <summary>
    /// Applies a lockout decision. The caller answers with its usual refusal even when the account was just locked
    /// for good: the owner learns of it out of band, the attacker learns nothing an unknown ID would not also say.
    /// </summary>
    private async Task ApplyVerdictAsync(FailureVerdict verdict, DateTimeOffset now, AccountEventKind lockedOutKind, string lockReason)
    {
        if (verdict == FailureVerdict.TemporarilyLocked)
            Raise(lockedOutKind, Unchanged(), SystemActor, "temporary lockout", now, ToOwner(code: null));
        else if (verdict == FailureVerdict.PermanentlyLocked && _lifecycle.CanFire(AccountTrigger.Lock))
            await LockNowAsync(SystemActor, lockReason, now);
    }

    private AccountError PhantomFailure(FactorFailures failures, DateTimeOffset now, Func<TimeSpan, AccountError> lockedOut, AccountError? otherwise = null)
    {
        if (BruteForceGuard.LockedFor(failures, now) is { } lockedFor) return lockedOut(lockedFor);
        return BruteForceGuard.RecordFailure(failures, Lockout, now) == FailureVerdict.TemporarilyLocked
            ? lockedOut(BruteForceGuard.LockedFor(failures, now)!.Value)
            : otherwise ?? InvalidCredentials;
    }

    private async Task LockNowAsync(Actor actor, string reason, DateTimeOffset now)
    {
        State.Lock = new LockRecord { Reason = reason, ActorRole = actor.Role, ActorId = actor.Id, LockedAt = now };
        State.Otp = null;
        State.RecoveryOtp = null;
        // Every session ends with the lock; the gateway asks the grain on each request.
        State.Sessions.Clear();
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Lock);
        Raise(AccountEventKind.Locked, outcome, actor, reason, now, ToOwner(code: null));
    }

    // ----- Helpers -----

    private DateTimeOffset Now() => AuditChain.Normalize(clock.GetUtcNow());

    private LifecycleOutcome Unchanged() => new(State.Lifecycle.Status, State.Lifecycle.Status, null);

    private PendingOtp IssueOtp(DateTimeOffset now, out string code)
    {
        code = OtpCodes.Generate();
        var issue = ++State.OtpIssues;
        State.OtpSends.Add(now);
        return new PendingOtp { Hash = otpCodes.Hash(AccountId, issue, code), Issue = issue, ExpiresAt = now.AddSeconds(Otp.ValiditySeconds) };
    }

    /// <summary>How long until another message may be sent (cooldown and hourly limit), or null when one may go now.</summary>
    private TimeSpan? SendWait(DateTimeOffset now)
    {
        State.OtpSends.RemoveAll(sent => sent <= now.AddHours(-1));
        if (State.OtpSends.Count == 0) return null;
        var cooldown = State.OtpSends.Max().AddSeconds(Otp.ResendCooldownSeconds) - now;
        if (cooldown > TimeSpan.Zero) return cooldown;
        return State.OtpSends.Count >= Otp.MaxSendsPerHour ? State.OtpSends.Min().AddHours(1) - now : null;
    }

    private AccountError? SendLimit(DateTimeOffset now)
    {
        if (SendWait(now) is not { } wait) return null;
        return State.OtpSends.Count >= Otp.MaxSendsPerHour
            ? TooMany("otp_hourly_limit", $"At most {Otp.MaxSendsPerHour} codes are sent in an hour.", wait)
            : TooMany("otp_cooldown", $"A new code can be requested {Otp.ResendCooldownSeconds} seconds after the previous one.", wait);
    }

    private LoginGrant OpenSession(DateTimeOffset now)
    {
        State.Sessions.RemoveAll(s => s.RefreshExpiresAt <= now);
        while (State.Sessions.Count >= sessionOptions.Value.MaxPerAccount) State.Sessions.RemoveAt(0);
        var secret = NewSecret();
        var session = new SessionRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            RefreshHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            CreatedAt = now,
            RefreshExpiresAt = now + sessionOptions.Value.RefreshLifetime,
        };
        State.Sessions.Add(session);
        return new LoginGrant(AccountId, _lifecycle.Level, session.Id, RefreshToken(session.Id, secret), session.RefreshExpiresAt);
    }

    private static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The refresh token the client keeps: it names the account and session, so the gateway can route it.</summary>
    private string RefreshToken(string sessionId, string secret) => $"{AccountId}.{sessionId}.{secret}";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Messages to the account's own registered phone and e-mail, with the code sealed when there is one.</summary>
    private List<NotificationRequest> ToOwner(string? code)
    {
        var sealedCode = code is null ? null : sealer.Seal(code, AccountId);
        var notifications = new List<NotificationRequest>(2);
        if (State.Phone is { } phone) notifications.Add(new NotificationRequest(NotificationChannel.Sms, phone, sealedCode, Otp.ValiditySeconds));
        if (State.Email is { } email) notifications.Add(new NotificationRequest(NotificationChannel.Email, email, sealedCode, Otp.ValiditySeconds));
        return notifications;
    }

    /// <summary>Adds an event, linked into the account's audit chain; it is written with the next commit.</summary>
    private void Raise(AccountEventKind kind, LifecycleOutcome outcome, Actor actor, string? reason, DateTimeOffset now,
        IReadOnlyList<NotificationRequest>? notifications = null)
    {
        var sequence = ++State.EventSequence;
        var previous = State.AuditHead.Length == 0 ? AuditChain.Genesis : State.AuditHead;
        var hash = AuditChain.Hash(previous, AccountId, sequence, kind, outcome.From, outcome.To, now, actor.Role, actor.Id, reason);
        State.PendingEvents.Add(new AccountEvent(AccountId, sequence, kind, outcome.From, outcome.To, now, actor, reason, notifications ?? [])
        {
            PreviousHash = previous,
            Hash = hash,
        });
        State.AuditHead = hash;
    }

    /// <summary>
    /// Durable first (the state and its events in one write), then delivered: the dispatcher appends the audit entries
    /// and queues the messages before the command answers.
    /// </summary>
    private async Task CommitAsync()
    {
        await SaveAsync();
        await DeliverPendingAsync();
    }

    /// <summary>A failed write leaves memory ahead of storage: drop the activation so the next call reloads what is stored.</summary>
    private async Task SaveAsync()
    {
        try
        {
            await storage.WriteStateAsync();
            _acknowledgementsUnsaved = false;
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task EnsureRedriveReminderAsync()
    {
        var interval = notificationOptions.Value.RedriveInterval;
        _redrive ??= await this.RegisterOrUpdateReminder(RedriveReminder, interval, interval);
    }

    /// <summary>
    /// Hands the stored, unconfirmed events to the dispatcher and forgets them once it has answered. The confirmation is
    /// saved with the next write, not on deactivation (a silo stopping with 100,000 active accounts would write 100,000
    /// rows); until then a reactivation sends them again and the outbox and audit trail ignore the repeat. When delivery
    /// fails the events stay stored and a reminder retries them every <see cref="NotificationOptions.RedriveInterval"/>;
    /// the reminder is registered only then, not on every command.
    /// </summary>
    private async Task DeliverPendingAsync()
    {
        var events = State.PendingEvents.ToArray();
        if (events.Length == 0) return;
        try
        {
            await GrainFactory.GetGrain<INotificationDispatcherGrain>(0).DispatchAsync(events);
            State.PendingEvents.RemoveAll(e => e.Sequence <= events[^1].Sequence);
            _acknowledgementsUnsaved = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Delivering {Count} account event(s) failed; a reminder will retry", events.Length);
            try
            {
                await EnsureRedriveReminderAsync();
            }
            catch (Exception reminderFailure) when (reminderFailure is not OutOfMemoryException)
            {
                // Still stored with the state: the next activation of this account delivers them.
                logger.LogWarning(reminderFailure, "The redrive reminder could not be registered either");
            }
        }
    }

    private AccountView View() => new(
        AccountId,
        State.Lifecycle.Status,
        _lifecycle.Level,
        State.Lifecycle.ActivationTarget,
        State.FullName,
        State.DateOfBirth,
        State.Gender,
        MaskPhone(State.Phone),
        State.Email,
        State.DeclaredAt,
        State.ActivatedAt,
        State.Lock is { } l && State.Lifecycle.ReturnStatus is { } back ? new LockView(l.Reason, l.ActorRole, l.LockedAt, back) : null,
        State.Otp?.ExpiresAt);

    private static string? MaskPhone(string? phone) =>
        phone is null ? null : phone.Length <= 4 ? new string('*', phone.Length) : new string('*', phone.Length - 3) + phone[^3..];

    private static AccountResult NotFound() =>
        AccountResult.Fail(new AccountError(ErrorKind.NotFound, "account_not_found", "No account has been declared for this personal ID number."));

    private static AccountError Validation(Dictionary<string, string[]> fieldErrors) =>
        new(ErrorKind.Validation, "validation_failed", "One or more fields are invalid.") { FieldErrors = fieldErrors };

    private static AccountError LoginLockedOut(TimeSpan retryAfter) =>
        TooMany("too_many_attempts", "Too many wrong passwords: logins are refused for a while.", retryAfter);

    private static AccountError OtpLockedOut(TimeSpan retryAfter) =>
        TooMany("otp_locked_out", "Too many wrong codes: codes are refused for a while.", retryAfter);

    private static AccountError TooMany(string code, string detail, TimeSpan retryAfter) =>
        new(ErrorKind.TooManyRequests, code, detail) { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) };
}
