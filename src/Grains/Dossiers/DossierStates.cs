using Orleans.VNeID.Dossiers;

namespace Orleans.VNeID.Grains.Dossiers;

/// <summary>A dossier as stored: the decision, the scores, the officer and the office; never a template.</summary>
[GenerateSerializer, Alias("vneid.DossierState")]
public sealed class DossierState
{
    [Id(0)] public string OfficeCode { get; set; } = "";
    [Id(1)] public string OfficerId { get; set; } = "";
    [Id(2)] public string IdNumber { get; set; } = "";
    [Id(3)] public DateTimeOffset ReceivedAt { get; set; }
    [Id(4)] public DateOnly AppointmentDate { get; set; }
    [Id(5)] public DossierStatus Status { get; set; }
    [Id(6)] public string? Reason { get; set; }
    /// <summary>The security code sealed, so the same receipt can be printed again; the look-up compares its hash.</summary>
    [Id(7)] public byte[] SealedSecurityCode { get; set; } = [];
    [Id(8)] public byte[] SecurityCodeHash { get; set; } = [];
    // Scores are no longer kept or shown (issue 26: a score is an oracle); the members stay for stored dossiers.
    [Id(9)] public double? PortraitScore { get; set; }
    [Id(10)] public double? FingerprintScore { get; set; }
    [Id(11)] public bool HasChipCard { get; set; }
    [Id(12)] public bool Overdue { get; set; }
    [Id(13)] public string? Phone { get; set; }
    [Id(14)] public string? Email { get; set; }
    [Id(15)] public List<IntegratedDocument> Documents { get; set; } = [];
    [Id(16)] public List<string> Dependents { get; set; } = [];
    /// <summary>When the citizen's consent was recorded, and by which officer.</summary>
    [Id(17)] public DateTimeOffset? ConsentRecordedAt { get; set; }
    [Id(18)] public string? ConsentOfficer { get; set; }
    /// <summary>
    /// A card applicant's templates, sealed (encrypted), kept only until the card's issue is confirmed and they are
    /// compared with the ones the ID-card database enrolled; then dropped.
    /// </summary>
    [Id(19)] public byte[]? SealedTemplates { get; set; }
    /// <summary>Who confirmed the card's issue (a second person).</summary>
    [Id(20)] public string? CardConfirmedBy { get; set; }

    /// <summary>The number of the chip card presented at the desk, if one was.</summary>
    [Id(21)] public string? CardPresented { get; set; }

    /// <summary>The outcome's reason in the citizen's words (Vietnamese), for the notice; the officer's is <c>Reason</c>.</summary>
    [Id(22)] public string? PlainReason { get; set; }
}

[GenerateSerializer, Alias("vneid.DeskState")]
public sealed class DeskState
{
    [Id(0)] public DateOnly SerialDay { get; set; }
    [Id(1)] public int Serial { get; set; }
    /// <summary>Submission id → dossier code, for idempotent re-submission; pruned after 30 days.</summary>
    [Id(2)] public Dictionary<string, DeskSubmission> Submissions { get; set; } = [];
    /// <summary>Dossiers still open (waiting for a card), with their appointment dates.</summary>
    [Id(3)] public Dictionary<string, OverdueDossier> Open { get; set; } = [];
}

[GenerateSerializer, Alias("vneid.DeskSubmission")]
public sealed record DeskSubmission([property: Id(0)] string DossierCode, [property: Id(1)] DateOnly ReceivedOn);
