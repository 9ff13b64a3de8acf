using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>
/// The persisted state of one account. Secrets are stored only as hashes (password, activation code) or sealed
/// (the code inside a notification not yet in the outbox).
/// </summary>
[GenerateSerializer, Alias("vneid.AccountState")]
public sealed class AccountState
{
    // Lists most accounts never fill (papers, children, registry mismatches) are made on first use, and stored only when
    // they hold something: an empty list cost 32 bytes of every active account's memory, and about 150 bytes of its
    // stored row for the list's type name (issue 15). Rows stored with empty lists still load.
    [NonSerialized] private List<IntegratedDocument>? _pendingDocuments;
    [NonSerialized] private List<IntegratedDocument>? _wallet;
    [NonSerialized] private List<string>? _dependents;
    [NonSerialized] private List<DateTimeOffset>? _registryMismatches;

    // Json.NET (the grain storage serializer) calls these before writing each property.
    public bool ShouldSerializePendingDocuments() => _pendingDocuments is { Count: > 0 };
    public bool ShouldSerializeWallet() => _wallet is { Count: > 0 };
    public bool ShouldSerializeDependents() => _dependents is { Count: > 0 };
    public bool ShouldSerializeRegistryMismatches() => _registryMismatches is { Count: > 0 };

    [Id(0)] public LifecycleState Lifecycle { get; set; } = new();
    [Id(1)] public string FullName { get; set; } = "";
    [Id(2)] public DateOnly DateOfBirth { get; set; }
    [Id(3)] public Gender Gender { get; set; }
    [Id(4)] public string? Phone { get; set; }
    [Id(5)] public string? Email { get; set; }
    [Id(6)] public DateTimeOffset DeclaredAt { get; set; }
    [Id(7)] public DateTimeOffset? ActivatedAt { get; set; }
    /// <summary>ASP.NET Core Identity's versioned PBKDF2 format.</summary>
    [Id(8)] public string? PasswordHash { get; set; }
    [Id(9)] public PendingOtp? Otp { get; set; }
    /// <summary>When codes were sent on the owner's requests (<see cref="CodeBudget.Owner"/>), for the hourly limit; older than an hour are dropped.</summary>
    [Id(10)] public List<DateTimeOffset> OtpSends { get; set; } = [];
    [Id(11)] public LockRecord? Lock { get; set; }
    /// <summary>Sequence of the last event; events are numbered from 1.</summary>
    [Id(12)] public long EventSequence { get; set; }
    /// <summary>Events written with the transition that the outbox has not yet confirmed.</summary>
    [Id(13)] public List<AccountEvent> PendingEvents { get; set; } = [];
    /// <summary>Counts codes ever issued; part of each code's hash so an old code never verifies again.</summary>
    [Id(14)] public long OtpIssues { get; set; }
    /// <summary>The code of a password recovery in progress (apart from the activation code).</summary>
    [Id(15)] public PendingOtp? RecoveryOtp { get; set; }
    /// <summary>Wrong passwords and wrong codes counted (<see cref="BruteForceGuard"/>); null while there are none to count.</summary>
    [Id(16)] public FactorFailures? PasswordFailures { get; set; }
    [Id(17)] public FactorFailures? OtpFailures { get; set; }
    [Id(18)] public List<SessionRecord> Sessions { get; set; } = [];
    /// <summary>Hash of the last event: the head of the audit chain.</summary>
    [Id(19)] public byte[] AuditHead { get; set; } = [];
    /// <summary>Papers from a level-2 dossier, integrated into the wallet when level 2 is activated.</summary>
    [Id(20)] public List<IntegratedDocument> PendingDocuments { get => _pendingDocuments ??= []; set => _pendingDocuments = value; }
    /// <summary>The document wallet (level 2 only).</summary>
    [Id(21)] public List<IntegratedDocument> Wallet { get => _wallet ??= []; set => _wallet = value; }
    /// <summary>Children under 14 declared at a police office and confirmed by the registry's parent links.</summary>
    [Id(22)] public List<string> Dependents { get => _dependents ??= []; set => _dependents = value; }
    /// <summary>The phone number on record in the population registry, to tell a verified phone from a typed one.</summary>
    [Id(23)] public string? RegistryPhone { get; set; }
    /// <summary>The code of a step-up login in progress (after too many failed logins), sent to the phone on record.</summary>
    [Id(24)] public PendingOtp? StepUpOtp { get; set; }
    /// <summary>An e-mail address the owner asked to add, waiting for the code sent to it.</summary>
    [Id(25)] public PendingEmail? EmailChange { get; set; }
    /// <summary>When declarations for this ID number did not match the registry, within the budget's window.</summary>
    [Id(26)] public List<DateTimeOffset> RegistryMismatches { get => _registryMismatches ??= []; set => _registryMismatches = value; }

    /// <summary>The mismatches when there are any, without making an empty list (a repeated declaration only reads them).</summary>
    public List<DateTimeOffset>? RegistryMismatchesIfAny() => _registryMismatches;
    /// <summary>The account's ID number, stored with the state so that audit verification can compare state and trail.</summary>
    [Id(27)] public string? AccountId { get; set; }
    /// <summary>A code sent for a sign-in at the OpenID Connect provider that needs a second factor, bound to its session.</summary>
    [Id(28)] public PendingSessionCode? SignInCode { get; set; }
    /// <summary>The in-person check of the last level-2 dossier: the evidence behind the level-2 verified claims.</summary>
    [Id(29)] public InPersonCheck? InPersonCheck { get; set; }
    /// <summary>A foreigner's nationality (ISO 3166-1 alpha-3) from the immigration database; null for a citizen.</summary>
    [Id(30)] public string? Nationality { get; set; }
    /// <summary>Papers of the dependent children under 14, by the child's ID number (integrated by an officer); null until the first.</summary>
    [Id(31)] public Dictionary<string, List<Orleans.VNeID.Dossiers.IntegratedDocument>>? ChildDocuments { get; set; }
    /// <summary>
    /// When codes were sent on requests that proved nothing but printed details (<see cref="CodeBudget.Anonymous"/>), for
    /// their own hourly limit; null while there are none in the hour. <see cref="OtpSends"/> counts the owner's.
    /// </summary>
    [Id(32)] public List<DateTimeOffset>? AnonymousSends { get; set; }
    /// <summary>When the owner was last told of a repeated declaration (at most one notice per interval).</summary>
    [Id(33)] public DateTimeOffset? RepeatNoticeAt { get; set; }
    /// <summary>A new phone an officer recorded at a desk recovery, waiting for a second officer's confirmation.</summary>
    [Id(34)] public PendingPhoneChange? PendingPhoneChange { get; set; }
    /// <summary>The account's passkeys (WebAuthn credentials: their public keys, never a secret); null until the first.</summary>
    [Id(35)] public List<PasskeyRecord>? Passkeys { get; set; }
    /// <summary>The WebAuthn user handle of the account's passkeys: 32 random bytes, made with the first passkey.</summary>
    [Id(36)] public byte[]? PasskeyUserHandle { get; set; }
    /// <summary>
    /// A foreigner's passport in force when it is not the one the account was opened with (the account's key): the
    /// immigration database linked a renewed passport to the same person. Null for a citizen, or while the first one holds.
    /// </summary>
    [Id(37)] public string? TravelDocument { get; set; }
}

/// <summary>One passkey: the credential's id and COSE public key, its signature counter, and what its owner calls it.</summary>
[GenerateSerializer, Alias("vneid.PasskeyRecord")]
public sealed class PasskeyRecord
{
    [Id(0)] public byte[] CredentialId { get; set; } = [];
    [Id(1)] public byte[] PublicKey { get; set; } = [];
    [Id(2)] public uint SignCount { get; set; }
    [Id(3)] public string Name { get; set; } = "";
    [Id(4)] public DateTimeOffset AddedAt { get; set; }
    [Id(5)] public DateTimeOffset? LastUsedAt { get; set; }
    /// <summary>Backup eligible: a synced passkey (amr <c>swk</c>) rather than one bound to its device (<c>hwk</c>).</summary>
    [Id(6)] public bool BackupEligible { get; set; }
    [Id(7)] public Guid AaGuid { get; set; }
}

[GenerateSerializer, Alias("vneid.PendingPhoneChange")]
public sealed class PendingPhoneChange
{
    [Id(0)] public string Phone { get; set; } = "";
    [Id(1)] public string OfficerId { get; set; } = "";
    [Id(2)] public string OfficeCode { get; set; } = "";
    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(4)] public string Evidence { get; set; } = "";
}

/// <summary>An e-mail address being added: it becomes the account's only when the code sent to it comes back.</summary>
[GenerateSerializer, Alias("vneid.PendingEmail")]
public sealed class PendingEmail
{
    [Id(0)] public string Address { get; set; } = "";
    [Id(1)] public PendingOtp Otp { get; set; } = new();
}

[GenerateSerializer, Alias("vneid.InPersonCheck")]
public sealed class InPersonCheck
{
    [Id(0)] public string DossierCode { get; set; } = "";
    [Id(1)] public string OfficeCode { get; set; } = "";
    [Id(2)] public string OfficerId { get; set; } = "";
    [Id(3)] public DateTimeOffset CheckedAt { get; set; }
}

[GenerateSerializer, Alias("vneid.PendingSessionCode")]
public sealed class PendingSessionCode
{
    [Id(0)] public string SessionId { get; set; } = "";
    [Id(1)] public PendingOtp Otp { get; set; } = new();
}

[GenerateSerializer, Alias("vneid.PendingOtp")]
public sealed class PendingOtp
{
    [Id(0)] public byte[] Hash { get; set; } = [];
    [Id(1)] public long Issue { get; set; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(3)] public int WrongAttempts { get; set; }
}

[GenerateSerializer, Alias("vneid.LockRecord")]
public sealed class LockRecord
{
    [Id(0)] public string Reason { get; set; } = "";
    [Id(1)] public ActorRole ActorRole { get; set; }
    [Id(2)] public string ActorId { get; set; } = "";
    [Id(3)] public DateTimeOffset LockedAt { get; set; }
}
