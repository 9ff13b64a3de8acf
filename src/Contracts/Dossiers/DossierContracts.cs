namespace Orleans.VNeID.Dossiers;

/// <summary>Papers a level-2 account can show from its wallet (docs/domain.md, "Accounts and levels"). Numeric values are stored.</summary>
public enum DocumentKind
{
    DriverLicence = 0,
    VehicleRegistration = 1,
    SocialInsurance = 2,
    HealthInsuranceCard = 3,
    Passport = 4,
    /// <summary>The chip ID card itself ("thông tin chính về thẻ căn cước công dân"), put in a level-2 wallet from the registry.</summary>
    IdCard = 5,
    /// <summary>A birth certificate ("giấy khai sinh"): the paper a child under 14 holds, integrated on a parent's account.</summary>
    BirthCertificate = 6,
}

/// <summary>A paper the officer compared with its original and integrates into the account.</summary>
[GenerateSerializer, Immutable, Alias("vneid.IntegratedDocument")]
public sealed record IntegratedDocument(
    [property: Id(0)] DocumentKind Kind,
    [property: Id(1)] string Number,
    [property: Id(2)] string Issuer,
    [property: Id(3)] DateOnly? ValidFrom,
    [property: Id(4)] DateOnly? ValidUntil,
    [property: Id(5)] string VerifiedBy,
    [property: Id(6)] string VerifiedAtOffice)
{
    /// <summary>Who checked a paper the owner integrated from its issuing register (no officer saw it): <c>register</c>.</summary>
    public const string RegisterEvidence = "register";
}

/// <summary>What the officer enters at the desk for a level-2 registration (docs/domain.md, "The procedures").</summary>
[GenerateSerializer, Immutable, Alias("vneid.OpenDossier")]
public sealed record OpenDossier(
    [property: Id(0)] string SubmissionId,
    [property: Id(1)] string IdNumber,
    [property: Id(2)] bool HasChipCard,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Email,
    [property: Id(5)] IReadOnlyList<IntegratedDocument> Documents,
    [property: Id(6)] IReadOnlyList<string> Dependents,
    [property: Id(7)] bool ConsentRecorded,
    // Raw templates from the capture device: compared, then dropped; never stored, logged or put in an event.
    [property: Id(8)] byte[] Portrait,
    [property: Id(9)] byte[] Fingerprint,
    // The number of the chip card the citizen presented, when they presented one.
    [property: Id(10)] string? CardNumber = null,
    // The capture device's signature over the templates (a device enrolled to the office).
    [property: Id(11)] Orleans.VNeID.OfficeDesk.CaptureSignature? Signature = null);

public enum DossierStatus
{
    /// <summary>The biometrics matched; the account waits for activation.</summary>
    Approved = 0,
    /// <summary>Refused (biometric mismatch, locked account, ...); the account is as it was.</summary>
    Rejected = 1,
    /// <summary>Received with a chip-card application: waits until the card is issued.</summary>
    AwaitingCard = 2,
}

/// <summary>The slip printed for the citizen. The security code is shown here and nowhere else.</summary>
[GenerateSerializer, Immutable, Alias("vneid.DossierReceipt")]
public sealed record DossierReceipt(
    [property: Id(0)] string DossierCode,
    [property: Id(1)] string SecurityCode,
    [property: Id(2)] string OfficeCode,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] DateOnly AppointmentDate,
    [property: Id(5)] DossierStatus Status,
    [property: Id(6)] string? Reason);

/// <summary>The public look-up by dossier code and security code: no personal data.</summary>
[GenerateSerializer, Immutable, Alias("vneid.DossierStatusView")]
public sealed record DossierStatusView(
    [property: Id(0)] string DossierCode,
    [property: Id(1)] DossierStatus Status,
    [property: Id(2)] DateOnly AppointmentDate);

/// <summary>An open dossier past its appointment date.</summary>
[GenerateSerializer, Immutable, Alias("vneid.OverdueDossier")]
public sealed record OverdueDossier(
    [property: Id(0)] string DossierCode,
    [property: Id(1)] DateOnly AppointmentDate,
    [property: Id(2)] DossierStatus Status);
