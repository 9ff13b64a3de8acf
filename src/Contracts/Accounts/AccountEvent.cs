namespace Orleans.VNeID.Accounts;

/// <summary>What happened to an account. Numeric values are stored; never renumber them.</summary>
public enum AccountEventKind
{
    Declared = 0,
    OtpIssued = 1,
    Activated = 2,
    Locked = 3,
    Unlocked = 4,
    LoginSucceeded = 5,
    LoginFailed = 6,
    /// <summary>Too many wrong passwords: logins refused for a while.</summary>
    LoginLockedOut = 7,
    OtpFailed = 8,
    /// <summary>Too many wrong codes: code checks and sends refused for a while.</summary>
    OtpLockedOut = 9,
    RecoveryRequested = 10,
    /// <summary>Recovery details that did not match the account (no code sent).</summary>
    RecoveryRefused = 11,
    PasswordChanged = 12,
    LoggedOut = 13,
    /// <summary>A rotated refresh token was presented again: the session was revoked.</summary>
    RefreshTokenReused = 14,
    /// <summary>Someone declared an account for an ID number that already has one; the owner is told.</summary>
    DeclarationRepeated = 15,
    /// <summary>An in-person dossier's biometrics matched: a level-2 activation began.</summary>
    Level2Approved = 16,
    /// <summary>Enough failed logins that a login now needs the password and a code sent to the phone on record.</summary>
    StepUpRequired = 17,
    /// <summary>A declaration whose details did not match the population database (counted toward the budget).</summary>
    DeclarationMismatch = 18,
    /// <summary>The phone or e-mail on record changed; the previous ones are told.</summary>
    ContactChanged = 19,
    /// <summary>An officer or operator read the citizen's personal data.</summary>
    StaffRead = 20,
    /// <summary>An officer added or replaced a paper in the wallet.</summary>
    WalletChanged = 21,
    /// <summary>A level-2 dossier was rejected, is waiting for its chip card, or its card was issued.</summary>
    DossierDecided = 22,
    /// <summary>Service-account chains (<c>staff:&lt;client id&gt;</c>): a login with the right secret.</summary>
    StaffLoginSucceeded = 23,
    /// <summary>A service-account login with a wrong secret.</summary>
    StaffLoginFailed = 24,
    /// <summary>Too many wrong secrets: the service account's logins are refused for a while, and operators alerted.</summary>
    StaffLockedOut = 25,
    /// <summary>A service account's tokens were revoked (one token, or all issued before a time).</summary>
    StaffTokensRevoked = 26,
    /// <summary>A biometric match at a desk failed, or the capture was suspect (counted against the citizen's and the officer's budgets).</summary>
    BiometricsRefused = 27,
    /// <summary>An officer asked to move the account's codes to a new phone; a second officer must confirm it.</summary>
    PhoneChangeRequested = 28,
    /// <summary>The citizen withdrew the consent given to a relying party (its tokens revoked, its sessions logged out).</summary>
    ServiceWithdrawn = 29,
    /// <summary>The owner added a passkey (its name in the reason).</summary>
    PasskeyAdded = 30,
    /// <summary>The owner removed a passkey.</summary>
    PasskeyRemoved = 31,
    /// <summary>A passkey proved a sign-in the password opened (the second factor instead of an SMS code).</summary>
    PasskeyUsed = 32,
    /// <summary>A passkey's signature counter went back: a cloned authenticator is suspected; refused and the owner told.</summary>
    PasskeyCloneSuspected = 33,
    /// <summary>The owner signed in at a relying party on behalf of their child under 14 (the child and the service in the reason).</summary>
    ActedForChild = 34,
}

/// <summary>
/// A lifecycle event published on the account-events stream. It carries no secret: an activation code
/// travels only sealed (encrypted for the notification outbox), never in plain text.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.AccountEvent")]
public sealed record AccountEvent(
    [property: Id(0)] string AccountId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] AccountEventKind Kind,
    [property: Id(3)] AccountStatus From,
    [property: Id(4)] AccountStatus To,
    [property: Id(5)] DateTimeOffset OccurredAt,
    [property: Id(6)] Actor Actor,
    [property: Id(7)] string? Reason,
    [property: Id(8)] IReadOnlyList<NotificationRequest> Notifications)
{
    /// <summary>Audit-chain link: the hash of the account's previous event (32 zero bytes for the first).</summary>
    [Id(9)] public byte[] PreviousHash { get; init; } = [];

    /// <summary>Audit-chain link: SHA-256 over <see cref="PreviousHash"/> and this event's audited fields.</summary>
    [Id(10)] public byte[] Hash { get; init; } = [];

    /// <summary>
    /// The account's sessions this event ended (a lock, a password change, a logout, a reused refresh token, the oldest
    /// closed by a new login): relying parties holding tokens for them are sent a back-channel logout. Not audited.
    /// </summary>
    [Id(11)] public IReadOnlyList<string> EndedSessions { get; init; } = [];

    /// <summary>
    /// The relying party whose consent this event withdrew (<see cref="AccountEventKind.ServiceWithdrawn"/>): it is sent a
    /// back-channel logout for every session of the account it holds tokens for. Not audited (the reason names it).
    /// </summary>
    [Id(12)] public string? WithdrawnClient { get; init; }

    /// <summary>Unique per account and event; the outbox de-duplicates on it.</summary>
    public string EventId => $"{AccountId}:{Sequence}";
}

/// <summary>A message the event asks to be sent. <see cref="SealedCode"/> is the activation code encrypted, or null.</summary>
[GenerateSerializer, Immutable, Alias("vneid.NotificationRequest")]
public sealed record NotificationRequest(
    [property: Id(0)] NotificationChannel Channel,
    [property: Id(1)] string Recipient,
    [property: Id(2)] byte[]? SealedCode,
    [property: Id(3)] int CodeValiditySeconds,
    // A notice written for this event in plain words (never a secret), instead of the kind's standard text.
    [property: Id(4)] string? Text = null);
