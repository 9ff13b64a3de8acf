using System.ComponentModel;
using FluentValidation;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Dossiers;

/// <summary>A paper to integrate, as the officer types it from the original.</summary>
public sealed record DocumentRequest(DocumentKind? Kind, string? Number, string? Issuer, DateOnly? ValidFrom, DateOnly? ValidUntil);

/// <summary>A level-2 registration at the desk (DOMAIN.md §4).</summary>
public sealed record OpenDossierRequest(
    [property: Description("Chosen by the desk software; sending the same id again returns the same receipt.")] string? SubmissionId,
    string? IdNumber,
    [property: Description("False when the chip ID card is applied for together with the account.")] bool? HasChipCard,
    string? Phone,
    string? Email,
    IReadOnlyList<DocumentRequest>? Documents,
    [property: Description("ID numbers of children under 14 to declare as dependents.")] IReadOnlyList<string>? Dependents,
    [property: Description("The citizen's consent to the account, recorded at the desk: must be true.")] bool? ConsentRecorded,
    [property: Description("Base64 of the 64-byte portrait template from the capture device.")] string? PortraitTemplate,
    [property: Description("Base64 of the 64-byte fingerprint template from the reader.")] string? FingerprintTemplate);

public sealed class DocumentValidator : AbstractValidator<DocumentRequest>
{
    public DocumentValidator()
    {
        RuleFor(d => d.Kind).NotNull().IsInEnum();
        RuleFor(d => d.Number).NotEmpty().MaximumLength(32).Matches("^[A-Za-z0-9-]+$");
        RuleFor(d => d.Issuer).NotEmpty().MaximumLength(150);
        RuleFor(d => d.ValidUntil).GreaterThan(d => d.ValidFrom).When(d => d.ValidFrom is not null && d.ValidUntil is not null);
    }
}

public sealed class OpenDossierValidator : AbstractValidator<OpenDossierRequest>
{
    public OpenDossierValidator()
    {
        RuleFor(r => r.SubmissionId).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9_-]+$");
        RuleFor(r => r.IdNumber).Custom((id, context) =>
        {
            if (!PersonalIdNumber.TryParse(id, out _, out var error)) context.AddFailure(error);
        });
        RuleFor(r => r.HasChipCard).NotNull();
        RuleFor(r => r.Phone).Matches("^0[0-9]{9}$").When(r => r.Phone is not null).WithMessage("A phone number has 10 digits and starts with 0.");
        RuleFor(r => r.Email).MaximumLength(254).EmailAddress().When(r => r.Email is not null);
        RuleFor(r => r.Phone).NotEmpty().When(r => string.IsNullOrEmpty(r.Email))
            .WithMessage("A phone number or an e-mail address is needed for the activation code.");
        RuleFor(r => r.ConsentRecorded).Equal(true).WithMessage("The citizen's consent must be recorded.");
        RuleFor(r => r.Documents).Must(d => d is null || d.Count <= 10);
        RuleForEach(r => r.Documents).SetValidator(new DocumentValidator());
        RuleFor(r => r.Dependents).Must(d => d is null || d.Count <= 10);
        RuleForEach(r => r.Dependents).Must(d => PersonalIdNumber.TryParse(d, out _, out _)).WithMessage("A dependent is named by a valid personal ID number.");
        RuleFor(r => r.PortraitTemplate).Must(BeATemplate).When(r => r.HasChipCard == true).WithMessage("A template is 64 bytes, base64-encoded.");
        RuleFor(r => r.FingerprintTemplate).Must(BeATemplate).When(r => r.HasChipCard == true).WithMessage("A template is 64 bytes, base64-encoded.");
    }

    private static bool BeATemplate(string? base64)
    {
        var buffer = new byte[64];
        return base64 is { Length: <= 100 } && Convert.TryFromBase64String(base64, buffer, out var written) && written == 64;
    }
}
