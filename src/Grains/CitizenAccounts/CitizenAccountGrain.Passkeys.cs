using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Errors;
using Microsoft.Extensions.Logging;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <summary>
/// Passkeys (WebAuthn), checked by the Fido2 library against the key and the signature counter this grain stores: the
/// owner adds, names, lists and removes them on a signed-in session (a level-2 account only after a fresh code to the
/// phone on record); a passkey alone signs in, or proves a sign-in the password opened. The gateway issues and spends
/// the challenges; this grain checks the ceremony and keeps the counter in the same turn.
/// </summary>
public sealed partial class CitizenAccountGrain
{
    /// <summary>How many passkeys one account holds at most.</summary>
    public const int MaxPasskeys = 10;

    /// <summary>How long a code proved on a session lets a level-2 account add a passkey.</summary>
    public static readonly TimeSpan FreshCodeWindow = TimeSpan.FromMinutes(10);

    public async Task<Result<string>> PasskeyCreationOptionsAsync(string sessionId, PasskeyParty party, byte[] challenge)
    {
        if (PasskeyGate(sessionId) is { } refused) return refused;
        if (State.PasskeyUserHandle is null)
        {
            // The handle is claimed before it is stored: a handle on record always names this account.
            var handle = RandomNumberGenerator.GetBytes(32);
            if (!await GrainFactory.GetGrain<IPasskeyOwnerGrain>(Base64Url(handle)).ClaimAsync(AccountId))
                throw new InvalidOperationException("A fresh passkey user handle was already claimed.");
            State.PasskeyUserHandle = handle;
            await SaveAsync();
        }
        return Result.Ok(CreationOptions(party, challenge).ToJson());
    }

    public async Task<Result<PasskeySummary>> AddPasskeyAsync(string sessionId, PasskeyParty party, PasskeyAnswer answer, string name)
    {
        if (PasskeyGate(sessionId) is { } refused) return refused;
        if (State.PasskeyUserHandle is null) return ErrorCatalogue.PasskeyInvalid.Refuse("Ask for the options of a new passkey first.");
        RegisteredPublicKeyCredential credential;
        try
        {
            var response = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(answer.CredentialJson)
                           ?? throw new JsonException("No credential.");
            credential = await Fido(party).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = CreationOptions(party, answer.Challenge),
                IsCredentialIdUniqueToUserCallback = (args, _) => Task.FromResult(FindPasskey(args.CredentialId) is null),
            });
        }
        // The browser's answer is hostile input: whatever its bytes make the parsers throw is a refusal, never a failure.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogInformation("A passkey registration was refused: {Reason}", ex is Fido2VerificationException f ? f.Code.ToString() : ex.GetType().Name);
            return ErrorCatalogue.PasskeyInvalid.Refuse();
        }

        var now = Now();
        var record = new PasskeyRecord
        {
            CredentialId = credential.Id, PublicKey = credential.PublicKey, SignCount = credential.SignCount, Name = PasskeyName(name, now),
            AddedAt = now, BackupEligible = credential.IsBackupEligible, AaGuid = credential.AaGuid,
        };
        (State.Passkeys ??= []).Add(record);
        Raise(AccountEventKind.PasskeyAdded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"passkey “{record.Name}”", now, ToOwner(code: null));
        await CommitAsync();
        return Result.Ok(Summary(record));
    }

    public Task<IReadOnlyList<PasskeySummary>> GetPasskeysAsync(string sessionId) =>
        Task.FromResult<IReadOnlyList<PasskeySummary>>(OpenSession(sessionId) is null || State.Passkeys is null
            ? []
            : State.Passkeys.Select(Summary).ToList());

    public async Task<bool> RenamePasskeyAsync(string sessionId, string handle, string name)
    {
        if (OpenSession(sessionId) is null || FindPasskey(handle) is not { } passkey) return false;
        passkey.Name = PasskeyName(name, passkey.AddedAt);
        await SaveAsync();
        return true;
    }

    public async Task<bool> RemovePasskeyAsync(string sessionId, string handle)
    {
        if (OpenSession(sessionId) is null || FindPasskey(handle) is not { } passkey) return false;
        State.Passkeys!.Remove(passkey);
        if (State.Passkeys.Count == 0) State.Passkeys = null;
        Raise(AccountEventKind.PasskeyRemoved, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"passkey “{passkey.Name}”", Now(), ToOwner(code: null));
        await CommitAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> PasskeyIdsAsync(string sessionId) =>
        Task.FromResult<IReadOnlyList<string>>(OpenSession(sessionId) is null || State.Passkeys is null
            ? []
            : State.Passkeys.Select(p => Base64Url(p.CredentialId)).ToList());

    public async Task<Result<SignInProof>> SignInWithPasskeyAsync(PasskeyParty party, PasskeyAnswer answer, string? device)
    {
        var usable = Exists && _lifecycle.IsActive && State.Lifecycle.Status != AccountStatus.Locked && State.PasskeyUserHandle is not null;
        if (!usable || !_lifecycle.CanFire(AccountTrigger.LogIn)) return Paced<SignInProof>(ErrorCatalogue.PasskeyInvalid.Refuse());
        var checkedKey = await CheckAssertionAsync(party, answer, allowed: []);
        if (checkedKey.Error is { } error) return error;
        var passkey = checkedKey.Value!;

        var now = Now();
        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        // The owner proved the account: wrong passwords a stranger typed meanwhile no longer count against it.
        State.PasswordFailures = null;
        var (session, secret, closed) = StartSession(device, now);
        session.TwoFactors = true;
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"with passkey “{passkey.Name}”", now,
            [SignInNotice($"Tài khoản định danh điện tử của bạn vừa được đăng nhập bằng khoá truy cập “{passkey.Name}”", now)], closed);
        await CommitAsync();
        return Result.Ok(new SignInProof(Grant(session, secret), Methods(passkey)));
    }

    public async Task<Result<SignInProof>> ConfirmSessionWithPasskeyAsync(string sessionId, PasskeyParty party, PasskeyAnswer answer)
    {
        var now = Now();
        if (SessionEnded(sessionId, now) is { } ended) return ended;
        if (State.Passkeys is null) return ErrorCatalogue.PasskeyInvalid.Refuse();
        var checkedKey = await CheckAssertionAsync(party, answer, State.Passkeys);
        if (checkedKey.Error is { } error) return error;
        var passkey = checkedKey.Value!;
        // The sign-in may have ended while the ceremony ran.
        if (SessionEnded(sessionId, now) is { } endedMeanwhile) return endedMeanwhile;
        var session = State.Sessions.First(s => s.Id == sessionId);
        session.TwoFactors = true;
        Raise(AccountEventKind.PasskeyUsed, Unchanged(), new Actor(ActorRole.Citizen, AccountId), $"passkey “{passkey.Name}” as the second factor", now,
            [SignInNotice($"Khoá truy cập “{passkey.Name}” vừa được dùng để xác thực đăng nhập tài khoản định danh điện tử của bạn", now)]);
        await CommitAsync();
        return Result.Ok(new SignInProof(new LoginGrant(AccountId, _lifecycle.Level, session.Id, "", session.RefreshExpiresAt), Methods(passkey)));
    }

    public async Task<Result<SignInProof>> OpenApprovedSessionAsync(string approvingSessionId, string? device, string serviceName)
    {
        if (OpenSession(approvingSessionId) is not { } approving || !_lifecycle.CanFire(AccountTrigger.LogIn)) return ErrorCatalogue.TokenRevoked.Refuse();
        var now = Now();
        await _lifecycle.FireAsync(AccountTrigger.LogIn);
        var (session, secret, closed) = StartSession(device, now);
        session.TwoFactors = approving.TwoFactors;
        var service = serviceName[..Math.Min(serviceName.Length, 80)];
        Raise(AccountEventKind.LoginSucceeded, Unchanged(), new Actor(ActorRole.Citizen, AccountId),
            $"approved on a signed-in phone (QR) for {service}", now,
            [SignInNotice($"Bạn vừa duyệt trên điện thoại một yêu cầu đăng nhập tài khoản định danh điện tử trên thiết bị khác ({service})", now)], closed);
        await CommitAsync();
        return Result.Ok(new SignInProof(Grant(session, secret), approving.TwoFactors ? ["mca", "mfa"] : ["mca"]));
    }

    /// <summary>
    /// The assertion checked by Fido2 against the stored key: the origin, the RP ID, the challenge, user presence and
    /// verification, the signature, the user handle (when the passkey names one) and a counter that moved forward. The
    /// counter and the time of use are stored; a counter that went back is recorded and told to the owner.
    /// </summary>
    private async Task<Result<PasskeyRecord>> CheckAssertionAsync(PasskeyParty party, PasskeyAnswer answer, IReadOnlyList<PasskeyRecord> allowed)
    {
        AuthenticatorAssertionRawResponse response;
        try
        {
            response = JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(answer.CredentialJson) ?? throw new JsonException("No credential.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ErrorCatalogue.PasskeyInvalid.Refuse();
        }
        if (response.RawId is not { Length: > 0 } rawId || FindPasskey(rawId) is not { } passkey)
            return Paced<PasskeyRecord>(ErrorCatalogue.PasskeyInvalid.Refuse());
        try
        {
            var options = AssertionOptions.Create(Config(party), answer.Challenge,
                [.. allowed.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))], UserVerificationRequirement.Required, null);
            var result = await Fido(party).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = options,
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(
                    FindPasskey(args.CredentialId) is not null && args.UserHandle.AsSpan().SequenceEqual(State.PasskeyUserHandle)),
            });
            passkey.SignCount = result.SignCount;
            passkey.LastUsedAt = Now();
            return Result.Ok(passkey);
        }
        catch (Fido2VerificationException ex) when (ex.Code == Fido2ErrorCode.InvalidSignCount)
        {
            // Only the authenticator's holder can sign, so a counter that went back means a copy of the key signs too.
            Raise(AccountEventKind.PasskeyCloneSuspected, Unchanged(), SystemActor, $"passkey “{passkey.Name}”: its counter went back", Now(),
                ToOwner(code: null));
            await CommitAsync();
            return ErrorCatalogue.PasskeyInvalid.Refuse();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogInformation("A passkey assertion was refused: {Reason}", ex is Fido2VerificationException f ? f.Code.ToString() : ex.GetType().Name);
            return ErrorCatalogue.PasskeyInvalid.Refuse();
        }
    }

    public Task<bool> HasFreshCodeAsync(string sessionId) =>
        Task.FromResult(_lifecycle.IsActive && OpenSession(sessionId) is { CodeProvenAt: { } at } && Now() - at <= FreshCodeWindow);

    /// <summary>The owner's session for a passkey change: open, on an active account, and for level 2 with a fresh code.</summary>
    private Refusal? PasskeyGate(string sessionId)
    {
        if (OpenSession(sessionId) is not { } session) return ErrorCatalogue.TokenRevoked.Refuse();
        if (!_lifecycle.IsActive) return _lifecycle.WithState(ErrorCatalogue.InvalidState.Refuse("Only an active account adds a passkey."));
        if (_lifecycle.Level == AccountLevel.Level2 && !(session.CodeProvenAt is { } at && Now() - at <= FreshCodeWindow))
            return ErrorCatalogue.FreshCodeRequired.Refuse();
        if (State.Passkeys is { Count: >= MaxPasskeys }) return ErrorCatalogue.PasskeyLimit.Refuse();
        return null;
    }

    private SessionRecord? OpenSession(string sessionId) =>
        Exists && State.Lifecycle.Status != AccountStatus.Locked && SessionBook.IsOpen(State.Sessions, sessionId, clock.GetUtcNow())
            ? State.Sessions.First(s => s.Id == sessionId)
            : null;

    private CredentialCreateOptions CreationOptions(PasskeyParty party, byte[] challenge) => CredentialCreateOptions.Create(Config(party), challenge,
        new Fido2User { Id = State.PasskeyUserHandle!, Name = AccountId, DisplayName = State.FullName },
        new AuthenticatorSelection { ResidentKey = ResidentKeyRequirement.Required, UserVerification = UserVerificationRequirement.Required },
        AttestationConveyancePreference.None,
        [.. (State.Passkeys ?? []).Select(p => new PublicKeyCredentialDescriptor(p.CredentialId))],
        null,
        [PubKeyCredParam.ES256, PubKeyCredParam.Ed25519, PubKeyCredParam.RS256, PubKeyCredParam.PS256]);

    private static Fido2Configuration Config(PasskeyParty party) => new()
    {
        RPID = party.RpId, RPName = party.RpName, Origins = party.Origins.ToHashSet(StringComparer.Ordinal), Timeout = 120_000,
    };

    private static Fido2 Fido(PasskeyParty party) => new(Config(party));

    private PasskeyRecord? FindPasskey(byte[] credentialId) =>
        State.Passkeys?.FirstOrDefault(p => p.CredentialId.AsSpan().SequenceEqual(credentialId));

    private PasskeyRecord? FindPasskey(string handle) => State.Passkeys?.FirstOrDefault(p => Base64Url(p.CredentialId) == handle);

    private static PasskeySummary Summary(PasskeyRecord p) => new(Base64Url(p.CredentialId), p.Name, p.AddedAt, p.LastUsedAt, p.BackupEligible);

    /// <summary>RFC 8176: a key bound to one device is hardware-held; a synced one is not. User verification makes either multi-factor.</summary>
    private static IReadOnlyList<string> Methods(PasskeyRecord p) => [p.BackupEligible ? "swk" : "hwk", "mfa"];

    /// <summary>A name of at most 60 printable characters; an empty one is named by its date.</summary>
    private static string PasskeyName(string? name, DateTimeOffset at)
    {
        var cleaned = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return cleaned.Length == 0 ? $"Khoá truy cập {at.ToOffset(Orleans.VNeID.Identity.VietnamTime.Offset):dd/MM/yyyy}" : cleaned[..Math.Min(cleaned.Length, 60)];
    }

    /// <summary>A sign-in without a password is told in the app's notice list only (no SMS for every sign-in); passkeys added and removed go to every contact.</summary>
    private NotificationRequest SignInNotice(string text, DateTimeOffset at) =>
        new(NotificationChannel.App, AccountId, null, codes.ValiditySeconds,
            $"{text} lúc {at.ToOffset(Orleans.VNeID.Identity.VietnamTime.Offset):HH:mm dd/MM/yyyy}. Nếu không phải bạn, hãy khoá tài khoản ngay.");

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
