namespace Orleans.VNeID.Web.Desk;

/// <summary>The desk's sections, in the order of its navigation.</summary>
public enum DeskSection { Queue, NewDossier, Lookup, Recovery }

/// <summary>Who is at the desk: the officer's service account and office.</summary>
public sealed record DeskOfficer(string Id, string Office);

/// <summary>An open dossier of the office.</summary>
public sealed record QueueRow(string DossierCode, string AppointmentDate, string Status, bool Overdue);

/// <summary>The slip printed for the citizen ("phiếu tiếp nhận hồ sơ và hẹn trả kết quả").</summary>
public sealed record ReceiptView(string DossierCode, string SecurityCode, string Office, string ReceivedAt, string AppointmentDate, string Status, string? Reason);

/// <summary>What the desk's capture devices took of the citizen, carried by the form until it is sent.</summary>
public sealed record DeskCapture(string? PortraitTemplate, string? FingerprintTemplate, string? DeviceId, string? CapturedAt, string? DeviceSignature)
{
    public static readonly DeskCapture None = new(null, null, null, null, null);

    public bool Taken => PortraitTemplate is not null && FingerprintTemplate is not null;

    public IEnumerable<KeyValuePair<string, string?>> Hidden() =>
    [
        new("portraitTemplate", PortraitTemplate), new("fingerprintTemplate", FingerprintTemplate), new("deviceId", DeviceId),
        new("capturedAt", CapturedAt), new("deviceSignature", DeviceSignature),
    ];
}

/// <summary>The dossier form's values, typed back when it is shown again.</summary>
public sealed record DossierForm(string SubmissionId, string? IdNumber = null, bool? HasChipCard = true, string? CardNumber = null, string? Phone = null,
    string? Email = null, string? DocumentKind = null, string? DocumentNumber = null, string? DocumentIssuer = null, string? DocumentValidFrom = null,
    string? DocumentValidUntil = null, string? Dependents = null, bool Consent = false);
