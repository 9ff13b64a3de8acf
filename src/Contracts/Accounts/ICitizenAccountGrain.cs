using Orleans.Concurrency;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Accounts;

/// <summary>
/// One citizen's electronic identification account, keyed by the personal ID number.
/// Every accepted command is persisted before it is answered.
/// </summary>
public interface ICitizenAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Level-1 declaration: checks the data against the registry and, on a match, sends an activation code to the phone
    /// on record (never to a typed one). When the ID number already has an account the answer is the same, and the owner
    /// is told instead. Mismatches count against a budget per ID number. The value is how many seconds the code is valid.
    /// </summary>
    Task<Result<int>> DeclareAsync(DeclareAccount declaration);

    /// <summary>Sends a new activation code to the phone on record when one is due and allowed; answers nothing either way.</summary>
    Task<Result<bool>> ResendOtpAsync();

    /// <summary>Completes the activation with the code and the citizen's chosen password. Every refusal but a bad password is one answer.</summary>
    Task<Result<AccountView>> ActivateAsync(string otp, string newPassword);

    /// <summary>
    /// The owner confirms a level-2 upgrade with the code the office's match sent; the account keeps its password and
    /// was usable at level 1 meanwhile.
    /// </summary>
    Task<Result<AccountView>> ConfirmUpgradeAsync(string otp);

    /// <summary>
    /// Checks the password of an active account and opens a session; failures lead to temporary lockouts and then to a
    /// step-up, where the login also needs <paramref name="stepUpCode"/> (sent by <see cref="RequestStepUpCodeAsync"/>).
    /// </summary>
    Task<Result<LoginGrant>> LogInAsync(string password, string? stepUpCode, string? device = null);

    /// <summary>
    /// Sends a step-up code to the phone on record when logins need one and <paramref name="password"/> is right (only the
    /// password's holder spends the owner's send budget); answers nothing either way.
    /// </summary>
    Task<Result<bool>> RequestStepUpCodeAsync(string password);

    /// <summary>The owner adds (or replaces) the account's e-mail: a code goes to that address. The value is its validity in seconds.</summary>
    Task<Result<int>> RequestEmailAsync(string email);

    /// <summary>The code sent to the new e-mail address makes it the account's; the previous contacts are told.</summary>
    Task<Result<AccountView>> ConfirmEmailAsync(string code);

    /// <summary>Rotates a session's refresh token; a rotated token presented again revokes the session.</summary>
    Task<Result<LoginGrant>> RefreshAsync(string sessionId, string refreshSecret);

    /// <summary>
    /// The account as its owner sees it while the access token's session is open, else null (closed, expired, locked or
    /// unknown). The gateway asks on every citizen request, and an owner's read of the account answers from this same
    /// call, so one grain turn both authorises and answers.
    /// </summary>
    [ReadOnly]
    Task<AccountView?> GetForSessionAsync(string sessionId);

    /// <summary>
    /// A sign-in at the OpenID Connect provider needs a second factor: a code to the phone on record for this open
    /// session (send limits apply). The value is its validity in seconds.
    /// </summary>
    Task<Result<int>> RequestSignInCodeAsync(string sessionId);

    /// <summary>
    /// Whether this open session proved the phone on record with a code in the last 10 minutes (what a weighty act on
    /// the owner's behalf elsewhere needs, such as activating an organisation's account).
    /// </summary>
    [ReadOnly]
    Task<bool> HasFreshCodeAsync(string sessionId);

    /// <summary>Checks the sign-in code of this session; wrong codes count toward the code lockout like any other.</summary>
    Task<Result<AccountView>> ConfirmSignInCodeAsync(string sessionId, string code);

    /// <summary>
    /// The options of a new passkey for the owner signed in with <paramref name="sessionId"/> (the WebAuthn JSON of
    /// <c>PublicKeyCredentialCreationOptions</c>) with the gateway's <paramref name="challenge"/>: the account's user handle
    /// (made at the first passkey), its passkeys excluded, a resident key and user verification required. A level-2
    /// account needs a fresh code on this session first (<c>fresh_code_required</c>).
    /// </summary>
    Task<Result<string>> PasskeyCreationOptionsAsync(string sessionId, PasskeyParty party, byte[] challenge);

    /// <summary>
    /// Checks the authenticator's attestation (Fido2: origin, RP ID, challenge, user presence and verification, the key)
    /// and stores the passkey named <paramref name="name"/>; the owner is told and the audit trail records it.
    /// </summary>
    Task<Result<PasskeySummary>> AddPasskeyAsync(string sessionId, PasskeyParty party, PasskeyAnswer answer, string name);

    /// <summary>The account's passkeys for the owner signed in with <paramref name="sessionId"/> (empty when it is not open).</summary>
    [ReadOnly]
    Task<IReadOnlyList<PasskeySummary>> GetPasskeysAsync(string sessionId);

    /// <summary>Renames one passkey; false when there is no such passkey or session.</summary>
    Task<bool> RenamePasskeyAsync(string sessionId, string handle, string name);

    /// <summary>Removes one passkey (the owner is told); false when there is no such passkey or session.</summary>
    Task<bool> RemovePasskeyAsync(string sessionId, string handle);

    /// <summary>
    /// The ids (base64url) of the account's passkeys, for a second-factor ceremony after the password on an open session;
    /// empty otherwise.
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> PasskeyIdsAsync(string sessionId);

    /// <summary>
    /// Signs in with a passkey alone (a discoverable credential: the gateway found the account by its user handle). The
    /// assertion is checked by Fido2 against the stored key and signature counter; a counter that went back marks a
    /// cloned authenticator: refused, and the owner told. Every refusal is the one <c>passkey_invalid</c>.
    /// </summary>
    Task<Result<SignInProof>> SignInWithPasskeyAsync(PasskeyParty party, PasskeyAnswer answer, string? device);

    /// <summary>The second factor of a sign-in the password opened (<paramref name="sessionId"/>): a passkey instead of an SMS code.</summary>
    Task<Result<SignInProof>> ConfirmSessionWithPasskeyAsync(string sessionId, PasskeyParty party, PasskeyAnswer answer);

    /// <summary>
    /// A sign-in on a computer that the owner's signed-in phone approved (a QR sign-in): a new session, while the approving
    /// session is still open and the account not locked (a lock ends approvals in flight). Its methods are <c>mca</c>, with
    /// <c>mfa</c> when the phone's own sign-in proved two factors. Refused alike otherwise (<c>token_revoked</c>).
    /// </summary>
    Task<Result<SignInProof>> OpenApprovedSessionAsync(string approvingSessionId, string? device, string serviceName);

    /// <summary>Closes one session.</summary>
    Task LogOutAsync(string sessionId);

    /// <summary>
    /// The account's open sessions as their owner sees them (opened when, on which device, which is this one); empty when
    /// <paramref name="currentSessionId"/> is not open. A session is named by a handle, never by its id.
    /// </summary>
    Task<IReadOnlyList<SessionSummary>> GetSessionsAsync(string currentSessionId);

    /// <summary>The owner, signed in with <paramref name="currentSessionId"/>, closes the session named <paramref name="handle"/>.</summary>
    Task<bool> LogOutSessionAsync(string currentSessionId, string handle);

    /// <summary>
    /// The owner, signed in with <paramref name="sessionId"/>, changes the password: the current one is checked (a wrong
    /// one counts like a wrong sign-in), the new one must meet the rules, and every session ends, this one too.
    /// </summary>
    Task<Result<AccountView>> ChangePasswordAsync(string sessionId, string currentPassword, string newPassword);

    /// <summary>Closes every session of the account (relying parties holding any of them are sent a back-channel logout).</summary>
    Task LogOutEverywhereAsync();

    /// <summary>
    /// The citizen withdrew the consent given to a relying party (the gateway has revoked its authorizations and tokens):
    /// recorded in the audit trail, and the relying party is owed a back-channel logout for each of the account's
    /// sessions it holds tokens for, and no longer receives the account's security events.
    /// </summary>
    Task WithdrawServiceAsync(string clientId, string serviceName);

    /// <summary>
    /// Forgotten password, step one: sends a code to the registered phone when every detail matches. Answers the same
    /// either way to the caller; the value (whether the details matched) is for the gateway's per-address budget only.
    /// </summary>
    Task<Result<bool>> StartRecoveryAsync(StartRecovery request);

    /// <summary>
    /// Forgotten password by NFC (the seed: "Xác thực NFC bằng thẻ CCCD gắn chip"): the chip's data groups and EF.SOD, checked by
    /// passive authentication. A chip that fails is refused with its reason (it tells nothing about any account); a genuine
    /// chip of this ID number, the valid card on record, sends a code to the registered phone of an active account. The answer
    /// after the chip's checks is the same either way.
    /// </summary>
    Task<Result<bool>> StartNfcRecoveryAsync(ChipRead chip);

    /// <summary>
    /// Forgotten password at a police office, after the desk matched the citizen's biometrics in person: a code to the phone
    /// on record. A <paramref name="newPhone"/> is only recorded: the phone on record is told at once, and a second officer
    /// confirms it (<see cref="ConfirmPhoneChangeAtOfficeAsync"/>) before it replaces the old one and receives the code.
    /// Clears the code lockout.
    /// </summary>
    Task<Result<OfficeDesk.OfficeRecoveryReceipt>> StartRecoveryAtOfficeAsync(Actor officer, string officeCode, string? newPhone, string evidence);

    /// <summary>The second officer's confirmation of a new phone recorded at the same office within the hour: the phone changes and the code goes to it.</summary>
    Task<Result<OfficeDesk.OfficeRecoveryReceipt>> ConfirmPhoneChangeAtOfficeAsync(Actor confirmer, string officeCode);

    /// <summary>
    /// A biometric match at a desk failed (or its capture was suspect): recorded in the account's audit trail with the
    /// officer and the office, and the owner is told. Nothing happens when there is no account.
    /// </summary>
    Task RecordBiometricRefusalAsync(Actor officer, string officeCode, bool suspect);

    /// <summary>Forgotten password, step two: the code and a new password. Clears failure counters and closes every session.</summary>
    /// <remarks>With <paramref name="removePasskeys"/> every passkey goes too (a citizen who lost a device that holds one).</remarks>
    Task<Result<AccountView>> CompleteRecoveryAsync(string otp, string newPassword, bool removePasskeys = false);

    /// <summary>Locks the account (the owner, an officer or an operator), remembering the state to return to.</summary>
    Task<Result<AccountView>> LockAsync(Actor actor, string reason);

    /// <summary>Unlocks the account (an officer or an operator).</summary>
    Task<Result<AccountView>> UnlockAsync(Actor actor, string reason);

    /// <summary>
    /// A dossier's biometrics matched at a police office: begins the level-2 activation (creating the account from the
    /// registry when the citizen had none) and sends the activation code. Refused for a locked or level-2 account.
    /// </summary>
    Task<Result<AccountView>> StartLevel2Async(Level2Upgrade upgrade);

    /// <summary>The document wallet of a level-2 account.</summary>
    [ReadOnly]
    Task<Result<IReadOnlyList<IntegratedDocument>>> GetWalletAsync();

    /// <summary>An officer integrates one more paper into a level-2 account's wallet.</summary>
    Task<Result<IReadOnlyList<IntegratedDocument>>> AddDocumentAsync(IntegratedDocument document, string? reason = null);

    /// <summary>
    /// The owner's own request ("Tích hợp thông tin"): the paper of <paramref name="kind"/> numbered <paramref name="number"/>
    /// is looked up in its issuing register and, when the register names the owner and holds it valid, added to the
    /// wallet with the register as its evidence. Another person's paper answers like one the register does not hold.
    /// </summary>
    Task<Result<IReadOnlyList<IntegratedDocument>>> IntegrateFromRegisterAsync(DocumentKind kind, string number);

    /// <summary>The profile with each field marked as verified by the registry or self-declared.</summary>
    [ReadOnly]
    Task<ProfileView?> GetProfileAsync();

    /// <summary>How the identity data of an active account was verified (the evidence of verified claims), else null.</summary>
    [ReadOnly]
    Task<VerificationView?> GetVerificationAsync();

    /// <summary>
    /// The owner, signed in with <paramref name="sessionId"/> on a level-2 account, acts for their child under 14 at
    /// <paramref name="serviceName"/> (the population database links them; a child of 14 registers their own account):
    /// recorded in the owner's history and notices. Refused with not_a_dependent for anyone else.
    /// </summary>
    Task<Result<ChildView>> ActForChildAsync(string sessionId, string childIdNumber, string serviceName);

    /// <summary>
    /// A foreigner's account follows the immigration database: when it holds a newer passport for the person, that one
    /// replaces the old in the wallet and the claims (an audited change). Returns the passport in force.
    /// </summary>
    Task<string> RenewTravelDocumentAsync();

    /// <summary>The owner's children under 14 as the population database records them (a level-2 account only).</summary>
    [ReadOnly]
    Task<Result<IReadOnlyList<ChildView>>> GetChildrenAsync();

    /// <summary>
    /// An officer integrates a paper of a dependent child under 14 (a birth certificate, a health-insurance card) into this
    /// level-2 account; refused with not_a_dependent for any other child. Returns the children as the owner sees them.
    /// </summary>
    Task<Result<IReadOnlyList<ChildView>>> AddChildDocumentAsync(string childIdNumber, Orleans.VNeID.Dossiers.IntegratedDocument document, string? reason = null);

    /// <summary>The newest notices of the account's in-app list (at most 100), or null when nobody declared it.</summary>
    [ReadOnly]
    Task<IReadOnlyList<AccountNotice>?> GetNoticesAsync(int limit);

    /// <summary>The account as a reader may see it, or null when nobody declared it.</summary>
    [ReadOnly]
    Task<AccountView?> GetAsync();

    /// <summary>
    /// A staff member reads the citizen's personal data (<paramref name="what"/>): an officer in the office's hours, or
    /// anyone with a stated <paramref name="reason"/> (an exception, reported); refused otherwise. The read is an event in
    /// the citizen's audit trail with the officer and the office.
    /// </summary>
    Task<Result<bool>> RecordStaffReadAsync(Actor staff, string? office, string what, string? reason);

    /// <summary>
    /// A dossier was rejected, waits for its card, or its card was issued: an event in the chain, and the citizen is told.
    /// False when the citizen has no account (the dossier then tells the contacts given at the desk itself).
    /// </summary>
    Task<bool> RecordDossierDecisionAsync(Actor officer, string dossierCode, string officeCode, string decision, string notice);
}

/// <summary>
/// The account of a foreigner, whatever passport names them: keyed by the immigration database's person number, it
/// holds the key of the account the person opened (with their first passport). A renewed passport finds it here.
/// </summary>
public interface IForeignPersonGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="accountId"/> as the person's account unless one is recorded; returns the person's account.</summary>
    Task<string> ClaimAsync(string accountId);

    Task<string?> AccountAsync();
}

/// <summary>
/// Which account an ID number typed by a person or an officer names: a citizen's number names its own; a foreigner's
/// passport, old or renewed, names the account its person opened (then brought up to the passport in force).
/// </summary>
public interface IAccountKeysGrain : IGrainWithIntegerKey
{
    Task<string> AccountKeyAsync(string idNumber);
}
