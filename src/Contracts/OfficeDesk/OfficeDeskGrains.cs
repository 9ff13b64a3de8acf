using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.OfficeDesk;

/// <summary>A police office's reception desk: numbers dossiers, checks office hours and the officer's office.</summary>
public interface IOfficeDeskGrain : IGrainWithStringKey
{
    /// <summary>Receives a dossier; the same submission id always gives the same receipt.</summary>
    Task<Result<DossierReceipt>> SubmitAsync(Actor officer, string officerOffice, OpenDossier dossier);

    /// <summary>Open dossiers of this office past their appointment date.</summary>
    Task<IReadOnlyList<OverdueDossier>> ListOverdueAsync();

    /// <summary>Every open dossier of this office (waiting for its chip card), the earliest appointment first.</summary>
    Task<IReadOnlyList<OverdueDossier>> ListOpenAsync();

    /// <summary>A dossier of this office was closed or became overdue; keeps the desk's list current.</summary>
    Task DossierUpdatedAsync(string dossierCode, DossierStatus status, DateOnly appointmentDate, bool open);
}

/// <summary>One level-2 dossier, keyed by its dossier code.</summary>
public interface IDossierGrain : IGrainWithStringKey
{
    /// <summary>Compares the biometrics, moves the account and prints the receipt; idempotent.</summary>
    Task<DossierReceipt> OpenAsync(string officeCode, Actor officer, DateTimeOffset receivedAt, OpenDossier dossier);

    /// <summary>Status and appointment date when the security code is right; null otherwise (no hint which part was wrong).</summary>
    Task<DossierStatusView?> LookUpAsync(string securityCode);

    /// <summary>The receipt as first printed (for an idempotent re-submission).</summary>
    Task<DossierReceipt?> GetReceiptAsync();

    /// <summary>
    /// The chip ID card applied for with this dossier was issued (its biometrics were collected for it): the account is
    /// issued with it, waiting for level-2 activation. Only an officer of the dossier's office; repeating it changes nothing.
    /// </summary>
    Task<Result<DossierReceipt>> CardIssuedAsync(Actor confirmer, string? confirmerOffice);

    /// <summary>
    /// A paper the citizen presents during this dossier's visit, checked against its issuing register and added to the
    /// wallet: only by an officer of the dossier's office, the day it was received, in office hours, never to a refused one.
    /// </summary>
    Task<Result<IReadOnlyList<Dossiers.IntegratedDocument>>> AddPaperAsync(Actor officer, string? officerOffice, Dossiers.DocumentKind kind, string number);
}

/// <summary>
/// Password recovery at a police office (issue 14): the citizen is present, the desk captures portrait and fingerprint,
/// and on a match with the templates on record the recovery code goes to the phone on record, or to a new phone the
/// citizen gives at the desk. For a citizen without a card issue date, or one who lost the phone as well. One stateless
/// worker per office: nothing here is numbered or kept, so recoveries never queue behind the office's dossiers.
/// </summary>
public interface IOfficeRecoveryGrain : IGrainWithStringKey
{
    Task<Result<OfficeRecoveryReceipt>> RecoverAsync(Actor officer, string officerOffice, OfficeRecovery request);

    /// <summary>
    /// A second officer of the same office confirms the new phone another officer recorded at the desk: only then does
    /// the phone change and the recovery code go to it (one officer alone cannot move an account's codes).
    /// </summary>
    Task<Result<OfficeRecoveryReceipt>> ConfirmNewPhoneAsync(Actor officer, string officerOffice, string idNumber);
}

[GenerateSerializer, Immutable, Alias("vneid.OfficeRecovery")]
public sealed record OfficeRecovery(
    [property: Id(0)] string IdNumber,
    // Raw templates from the capture device: compared, then dropped; never stored, logged or put in an event.
    [property: Id(1)] byte[] Portrait,
    [property: Id(2)] byte[] Fingerprint,
    // A new phone for the account, given by the citizen in person (the previous phone is told of the change).
    [property: Id(3)] string? NewPhone,
    // The capture device's signature over the templates (a device enrolled to the office).
    [property: Id(4)] CaptureSignature? Signature = null);

/// <summary>A capture device's signature over one capture: which device, when, and the ECDSA signature (DER).</summary>
[GenerateSerializer, Immutable, Alias("vneid.CaptureSignature")]
public sealed record CaptureSignature(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] DateTimeOffset CapturedAt,
    [property: Id(2)] byte[] Signature);

/// <summary>
/// What the officer sees: where the code went (masked), or that a second officer must confirm the new phone first. The
/// match itself answers matched or not, never a score.
/// </summary>
[GenerateSerializer, Immutable, Alias("vneid.OfficeRecoveryReceipt")]
public sealed record OfficeRecoveryReceipt(
    [property: Id(0)] string IdNumber,
    [property: Id(1)] string? CodeSentTo,
    [property: Id(4)] string CompleteUrl,
    [property: Id(5)] bool AwaitingSecondOfficer = false,
    [property: Id(6)] string? ConfirmUrl = null);

/// <summary>Development only: what a capture device at the desk would read from a citizen (enrolled template plus noise).</summary>
public interface ICaptureDeviceSimulatorGrain : IGrainWithIntegerKey
{
    /// <summary>Base64 portrait and fingerprint templates, or null when the citizen has none enrolled or read-back is off.</summary>
    Task<SimulatedCapture?> CaptureAsync(string idNumber, double noise, string officeCode);

    /// <summary>The chip data of the citizen's card as a phone would read it over NFC, or null without a chip or with read-back off.</summary>
    Task<Accounts.ChipRead?> ReadChipAsync(string idNumber, byte[] challenge);
}

[GenerateSerializer, Immutable, Alias("vneid.SimulatedCapture")]
public sealed record SimulatedCapture(
    [property: Id(0)] string PortraitTemplate,
    [property: Id(1)] string FingerprintTemplate,
    // Signed as the office's simulated device would (device SIM-<office>, Development's committed key).
    [property: Id(2)] string DeviceId,
    [property: Id(3)] DateTimeOffset CapturedAt,
    [property: Id(4)] string DeviceSignature);

/// <summary>
/// The budget of failed biometric matches at the desk, one grain per subject: <c>citizen:&lt;ID number&gt;</c> and
/// <c>officer:&lt;client id&gt;</c>. Past the budget, that subject's desk matches are refused for a growing while, so
/// probing captures against one citizen, or by one officer, stop after a few tries.
/// </summary>
public interface IBiometricAttemptsGrain : IGrainWithStringKey
{
    /// <summary>How long desk matches for this subject are still refused, or null.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<TimeSpan?> LockedForAsync();

    /// <summary>Counts a failed match against <paramref name="budget"/>; returns how long matches are now refused when this one spent it.</summary>
    Task<TimeSpan?> RecordFailureAsync(int budget, TimeSpan firstLockout);

    public static string CitizenKey(string idNumber) => "citizen:" + idNumber;
    public static string OfficerKey(string clientId) => "officer:" + clientId;
}
