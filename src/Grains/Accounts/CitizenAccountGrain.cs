using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.VNeID.Hosting;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Registry;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// One citizen's account, keyed by the personal ID number. The lifecycle decides what is permitted; every
/// accepted command is written (with the events it raised) before it is answered; events are then published
/// and re-published by a reminder until the notification dispatcher confirms them.
/// </summary>
// Random placement spreads accounts evenly over the silos; the default prefers the silo the call came in through,
// which piles every account a gateway touches onto its one gateway silo.
[RandomPlacement]
public sealed class CitizenAccountGrain(
    [PersistentState("account", PlatformNames.AccountStorage)] IPersistentState<AccountState> storage,
    IPopulationRegistry registry,
    OtpCodes otpCodes,
    SecretSealer sealer,
    IPasswordHasher<AccountState> passwordHasher,
    IOptions<OtpOptions> otpOptions,
    IOptions<RegistrationOptions> registrationOptions,
    IOptions<PasswordPolicyOptions> passwordOptions,
    IOptions<NotificationOptions> notificationOptions,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock,
    ILogger<CitizenAccountGrain> logger)
    : Grain, ICitizenAccountGrain, IRemindable
{
    private const string RedriveReminder = "notification-redrive";
    private static readonly Actor SystemActor = new(ActorRole.System, "system");

    private AccountLifecycle _lifecycle = null!;
    private IGrainReminder? _redrive;
    private bool _acknowledgementsUnsaved;

    private AccountState State => storage.State;
    private string AccountId => this.GetPrimaryKeyString();
    private bool Exists => storage.RecordExists;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lifecycle = new AccountLifecycle(State.Lifecycle, retainSynchronizationContext: true);
        if (State.PendingEvents.Count > 0)
        {
            await EnsureRedriveReminderAsync();
            await PublishPendingAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_acknowledgementsUnsaved && Exists) await storage.WriteStateAsync(cancellationToken);
    }

    public async Task<AccountResult> DeclareAsync(DeclareAccount declaration)
    {
        if (!PersonalIdNumber.TryParse(AccountId, out var id, out var idError))
            return Invalid("idNumber", idError);
        if (Exists)
        {
            return AccountResult.Fail(new AccountError(ErrorKind.Conflict, "account_exists",
                "An account has already been declared for this personal ID number.")
            {
                State = _lifecycle.Status,
                PermittedTriggers = _lifecycle.PermittedTriggers,
            });
        }

        var fieldErrors = new Dictionary<string, string[]>();
        if (!id.AgreesWith(declaration.DateOfBirth, declaration.Gender))
            fieldErrors["idNumber"] = ["The ID number's century, gender and birth-year digits do not agree with the declared date of birth and gender."];
        if (!CitizenName.IsWellFormed(declaration.FullName))
            fieldErrors["fullName"] = ["The full name must be 1 to 100 letters, spaces, apostrophes or hyphens."];
        if (string.IsNullOrWhiteSpace(declaration.Phone) && string.IsNullOrWhiteSpace(declaration.Email))
            fieldErrors["phone"] = ["A phone number or an e-mail address is needed to receive the activation code."];
        if (fieldErrors.Count > 0) return AccountResult.Fail(Validation(fieldErrors));

        var today = VietnamTime.Today(clock);
        var minimumAge = registrationOptions.Value.MinimumAge;
        if (VietnamTime.AgeOn(declaration.DateOfBirth, today) < minimumAge)
        {
            return AccountResult.Fail(new AccountError(ErrorKind.Unprocessable, "under_minimum_age",
                $"Citizens may register from the age of {minimumAge}; a parent can declare a younger child as a dependent."));
        }

        var citizen = await registry.FindAsync(id);
        if (citizen is null || !citizen.Matches(id, declaration))
        {
            // One answer for "unknown" and "different": the registry's contents are not disclosed.
            return AccountResult.Fail(new AccountError(ErrorKind.Unprocessable, "registry_mismatch",
                "The declared ID number, full name, date of birth and gender do not match the National Population Database."));
        }

        var now = clock.GetUtcNow();
        State.FullName = citizen.FullName;
        State.DateOfBirth = citizen.DateOfBirth;
        State.Gender = citizen.Gender;
        State.Phone = string.IsNullOrWhiteSpace(declaration.Phone) ? null : declaration.Phone.Trim();
        State.Email = string.IsNullOrWhiteSpace(declaration.Email) ? null : declaration.Email.Trim();
        State.DeclaredAt = now;

        var outcome = await _lifecycle.FireAsync(AccountTrigger.MatchRegistry);
        var code = IssueOtp(now);
        Raise(AccountEventKind.Declared, outcome, SystemActor, null, now, code);
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<AccountResult> ResendOtpAsync()
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.ResendOtp)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.ResendOtp));

        var now = clock.GetUtcNow();
        var options = otpOptions.Value;
        State.OtpSends.RemoveAll(sent => sent <= now.AddHours(-1));
        if (State.OtpSends.Count > 0)
        {
            var wait = State.OtpSends.Max().AddSeconds(options.ResendCooldownSeconds) - now;
            if (wait > TimeSpan.Zero)
                return TooMany("otp_cooldown", $"A new code can be requested {options.ResendCooldownSeconds} seconds after the previous one.", wait);
        }
        if (State.OtpSends.Count >= options.MaxSendsPerHour)
        {
            var wait = State.OtpSends.Min().AddHours(1) - now;
            return TooMany("otp_hourly_limit", $"At most {options.MaxSendsPerHour} codes are sent in an hour.", wait);
        }

        var outcome = await _lifecycle.FireAsync(AccountTrigger.ResendOtp);
        var code = IssueOtp(now);
        Raise(AccountEventKind.OtpIssued, outcome, SystemActor, null, now, code);
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<AccountResult> ActivateAsync(string otp, string newPassword)
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Activate)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Activate));

        var passwordProblems = PasswordPolicy.Check(newPassword, passwordOptions.Value);
        if (passwordProblems.Count > 0)
            return AccountResult.Fail(Validation(new Dictionary<string, string[]> { ["password"] = [.. passwordProblems] }));

        var now = clock.GetUtcNow();
        var pending = State.Otp;
        if (pending is null || pending.ExpiresAt <= now)
        {
            return AccountResult.Fail(new AccountError(ErrorKind.Unprocessable, "otp_expired",
                "There is no valid activation code: request a new one."));
        }
        if (!otpCodes.Verify(AccountId, pending.Issue, otp ?? "", pending.Hash))
        {
            pending.WrongAttempts++;
            var maxAttempts = otpOptions.Value.MaxWrongAttempts;
            if (pending.WrongAttempts >= maxAttempts)
            {
                State.Otp = null;
                await SaveAsync();
                return TooMany("otp_attempts_exceeded",
                    $"The code was entered wrongly {maxAttempts} times and is now void: request a new one.",
                    NextSendAllowedIn(now));
            }
            await SaveAsync();
            return AccountResult.Fail(new AccountError(ErrorKind.Unprocessable, "otp_invalid",
                $"The activation code is wrong; {maxAttempts - pending.WrongAttempts} attempt(s) left."));
        }

        State.Otp = null;
        State.PasswordHash = passwordHasher.HashPassword(State, newPassword);
        State.ActivatedAt = now;
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Activate);
        Raise(AccountEventKind.Activated, outcome, SystemActor, null, now, code: null);
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<LoginResult> LogInAsync(string password)
    {
        var invalid = new LoginResult(null, new AccountError(ErrorKind.Unauthorized, "invalid_credentials",
            "The ID number or the password is wrong."));
        if (!Exists || State.PasswordHash is null) return invalid;

        var verdict = passwordHasher.VerifyHashedPassword(State, State.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed) return invalid;
        if (State.Lifecycle.Status == AccountStatus.Locked)
        {
            return new LoginResult(null, new AccountError(ErrorKind.Forbidden, "account_locked",
                "The account is locked; an officer can unlock it."));
        }
        var outcome = await _lifecycle.FireAsync(AccountTrigger.LogIn);
        if (!outcome.Accepted) return new LoginResult(null, outcome.Conflict);

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            State.PasswordHash = passwordHasher.HashPassword(State, password!);
            await SaveAsync();
        }
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new LoginResult(new LoginGrant(AccountId, _lifecycle.Level, sessionId), null);
    }

    public async Task<AccountResult> LockAsync(Actor actor, string reason)
    {
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Lock)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Lock));

        var now = clock.GetUtcNow();
        State.Lock = new LockRecord { Reason = reason, ActorRole = actor.Role, ActorId = actor.Id, LockedAt = now };
        State.Otp = null;
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Lock);
        Raise(AccountEventKind.Locked, outcome, actor, reason, now, code: null);
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public async Task<AccountResult> UnlockAsync(Actor actor, string reason)
    {
        if (actor.Role is not (ActorRole.Officer or ActorRole.Operator))
            return AccountResult.Fail(new AccountError(ErrorKind.Forbidden, "forbidden", "Only an officer or an operator can unlock an account."));
        if (!Exists) return NotFound();
        if (!_lifecycle.CanFire(AccountTrigger.Unlock)) return AccountResult.Fail(_lifecycle.ConflictFor(AccountTrigger.Unlock));

        var now = clock.GetUtcNow();
        State.Lock = null;
        var outcome = await _lifecycle.FireAsync(AccountTrigger.Unlock);
        Raise(AccountEventKind.Unlocked, outcome, actor, reason, now, code: null);
        await CommitAsync();
        return AccountResult.Ok(View());
    }

    public Task<AccountView?> GetAsync() => Task.FromResult(Exists ? View() : null);

    public Task AcknowledgeEventsAsync(long sequence)
    {
        // Saved with the next write (or by the redrive reminder): a lost acknowledgement only re-sends a duplicate the outbox ignores.
        if (State.PendingEvents.RemoveAll(e => e.Sequence <= sequence) > 0) _acknowledgementsUnsaved = true;
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RedriveReminder) return;
        if (State.PendingEvents.Count > 0)
        {
            await PublishPendingAsync();
            return;
        }
        if (_acknowledgementsUnsaved) await SaveAsync();
        var reminder = _redrive ?? await this.GetReminder(RedriveReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
        _redrive = null;
    }

    private string IssueOtp(DateTimeOffset now)
    {
        var code = OtpCodes.Generate();
        var issue = ++State.OtpIssues;
        State.Otp = new PendingOtp
        {
            Hash = otpCodes.Hash(AccountId, issue, code),
            Issue = issue,
            ExpiresAt = now.AddSeconds(otpOptions.Value.ValiditySeconds),
        };
        State.OtpSends.Add(now);
        return code;
    }

    private void Raise(AccountEventKind kind, LifecycleOutcome outcome, Actor actor, string? reason, DateTimeOffset now, string? code)
    {
        var validity = otpOptions.Value.ValiditySeconds;
        var sealedCode = code is null ? null : sealer.Seal(code, AccountId);
        var notifications = new List<NotificationRequest>(2);
        if (State.Phone is { } phone) notifications.Add(new NotificationRequest(NotificationChannel.Sms, phone, sealedCode, validity));
        if (State.Email is { } email) notifications.Add(new NotificationRequest(NotificationChannel.Email, email, sealedCode, validity));
        State.PendingEvents.Add(new AccountEvent(AccountId, ++State.EventSequence, kind, outcome.From, outcome.To, now, actor, reason, notifications));
    }

    /// <summary>Durable first (state and its events in one write), then published.</summary>
    private async Task CommitAsync()
    {
        await EnsureRedriveReminderAsync();
        await SaveAsync();
        await PublishPendingAsync();
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

    private async Task PublishPendingAsync()
    {
        var events = State.PendingEvents.ToArray();
        if (events.Length == 0) return;
        try
        {
            var stream = this.GetStreamProvider(PlatformNames.StreamProvider)
                .GetStream<AccountEvent>(StreamId.Create(PlatformNames.AccountEventsNamespace, StreamPartition()));
            foreach (var evt in events) await stream.OnNextAsync(evt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The events are already durable in the account state; the redrive reminder publishes them again.
            logger.LogWarning(ex, "Publishing {Count} account event(s) failed; the redrive reminder will retry", events.Length);
        }
    }

    private string StreamPartition()
    {
        var partitions = notificationOptions.Value.StreamPartitions;
        var hash = ulong.TryParse(AccountId, out var number) ? number : (ulong)(uint)AccountId.GetHashCode(StringComparison.Ordinal);
        return (hash % (ulong)partitions).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private TimeSpan NextSendAllowedIn(DateTimeOffset now)
    {
        if (State.OtpSends.Count == 0) return TimeSpan.Zero;
        var wait = State.OtpSends.Max().AddSeconds(otpOptions.Value.ResendCooldownSeconds) - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
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

    private static AccountResult Invalid(string field, string message) =>
        AccountResult.Fail(Validation(new Dictionary<string, string[]> { [field] = [message] }));

    private static AccountError Validation(Dictionary<string, string[]> fieldErrors) =>
        new(ErrorKind.Validation, "validation_failed", "One or more fields are invalid.") { FieldErrors = fieldErrors };

    private static AccountResult TooMany(string code, string detail, TimeSpan retryAfter) =>
        AccountResult.Fail(new AccountError(ErrorKind.TooManyRequests, code, detail)
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)),
        });
}
