using System.ComponentModel;
using FluentValidation;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>A level-2 registration at the desk (docs/domain.md, "The procedures").</summary>
public sealed record OpenDossierRequest(
    [property: Description("Chosen by the desk software; sending the same id again returns the same receipt.")] string? SubmissionId,
    [property: Description(Hosting.IdNumberParameterTransformer.Description)] string? IdNumber,
    [property: Description("False when the chip ID card is applied for together with the account.")] bool? HasChipCard,
    string? Phone,
    string? Email,
    IReadOnlyList<DocumentRequest>? Documents,
    [property: Description("ID numbers of children under 14 to declare as dependents.")] IReadOnlyList<string>? Dependents,
    [property: Description("The citizen's consent to the account, recorded at the desk: must be true.")] bool? ConsentRecorded,
    [property: Description("Base64 of the 64-byte portrait template from the capture device. Required, with a card or a card application.")] string? PortraitTemplate,
    [property: Description("Base64 of the 64-byte fingerprint template from the reader. Required, with a card or a card application.")] string? FingerprintTemplate,
    [property: Description("The number printed on the chip ID card the citizen presented (with hasChipCard). A card that is expired, reported lost, not on record or not the one on record sends the dossier to the card-application path (7 working days). For a foreigner: the passport presented, required; an expired passport or another one refuses the dossier.")] string? CardNumber = null,
    [property: Description(Validation.CaptureFields.DeviceIdDescription)] string? DeviceId = null,
    [property: Description(Validation.CaptureFields.CapturedAtDescription)] DateTimeOffset? CapturedAt = null,
    [property: Description(Validation.CaptureFields.SignatureDescription)] string? DeviceSignature = null)
{
    public OfficeDesk.CaptureSignature Signature() => Validation.CaptureFields.Signature(DeviceId, CapturedAt, DeviceSignature);

    /// <summary>The dossier the desk receives from this (validated) request: each paper checked by this officer at this office.</summary>
    public OpenDossier ToDossier(Actor officer, string officeCode) => new(SubmissionId!, IdNumber!, HasChipCard!.Value, Phone, Email,
        [.. (Documents ?? []).Select(d => new IntegratedDocument(d.Kind!.Value, d.Number!, d.Issuer!.Trim(), d.ValidFrom, d.ValidUntil, officer.Id, officeCode))],
        Dependents ?? [], ConsentRecorded!.Value, Convert.FromBase64String(PortraitTemplate!), Convert.FromBase64String(FingerprintTemplate!), CardNumber,
        Signature());
}

public sealed class OpenDossierValidator : AbstractValidator<OpenDossierRequest>
{
    public OpenDossierValidator()
    {
        RuleFor(r => r.SubmissionId).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9_-]+$");
        this.ValidCapture(r => r.DeviceId, r => r.CapturedAt, r => r.DeviceSignature);
        RuleFor(r => r.IdNumber).ValidIdNumber();
        RuleFor(r => r.HasChipCard).NotNull();
        RuleFor(r => r.CardNumber).Matches("^[0-9]{9,12}$").When(r => r.CardNumber is not null && !IsForeigner(r)).WithMessage("A card number has 9 to 12 digits.");
        // A foreigner's level 2 stands on the passport presented.
        RuleFor(r => r.CardNumber).NotEmpty().Matches("^[A-Z0-9]{1,15}$").When(IsForeigner)
            .WithMessage("A foreigner presents the passport: its number, 1 to 15 capital letters and digits.");
        this.PhoneOrEmail(r => r.Phone, r => r.Email, "A phone number or an e-mail address is needed for the activation code.");
        RuleFor(r => r.ConsentRecorded).Equal(true).WithMessage("The citizen's consent must be recorded.");
        RuleFor(r => r.Documents).Must(d => d is null || d.Count <= 10);
        RuleForEach(r => r.Documents).SetValidator(new DocumentValidator());
        RuleFor(r => r.Dependents).Must(d => d is null || d.Count <= 10);
        RuleForEach(r => r.Dependents).Must(d => PersonalIdNumber.TryParse(d, out _, out _)).WithMessage("A dependent is named by a valid personal ID number.");
        // Level 2 is never granted without biometrics: with a card or with a card application, both templates are captured.
        RuleFor(r => r.PortraitTemplate).ValidTemplate("portrait");
        RuleFor(r => r.FingerprintTemplate).ValidTemplate("fingerprint");
    }

    private static bool IsForeigner(OpenDossierRequest r) => IdentityNumber.TryParse(r.IdNumber, out var id, out _) && !id.IsCitizen;
}
