using System.Security.Claims;
using FluentValidation;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Gateway.Auth;

namespace Orleans.VNeID.Gateway.Accounts;

/// <summary>A paper to integrate, as the officer types it from the original.</summary>
public sealed record DocumentRequest(DocumentKind? Kind, string? Number, string? Issuer, DateOnly? ValidFrom, DateOnly? ValidUntil)
{
    /// <summary>The paper as integrated: the officer who compared it with its original, at their office.</summary>
    public IntegratedDocument ToDocument(ClaimsPrincipal officer) =>
        new(Kind!.Value, Number!, Issuer!.Trim(), ValidFrom, ValidUntil, officer.Identity!.Name!, officer.Office()!);
}

public sealed class DocumentValidator : AbstractValidator<DocumentRequest>
{
    public DocumentValidator()
    {
        RuleFor(d => d.Kind).NotNull().IsInEnum();
        // The chip ID card and the passport come only from their own registries (the ID-card database, immigration): never typed in.
        RuleFor(d => d.Kind).Must(k => k is not (DocumentKind.IdCard or DocumentKind.Passport))
            .WithMessage("The chip ID card and the passport come only from their own registries; an officer never types them in.");
        RuleFor(d => d.Number).NotEmpty().MaximumLength(32).Matches("^[A-Za-z0-9-]+$");
        RuleFor(d => d.Issuer).NotEmpty().MaximumLength(150);
        RuleFor(d => d.ValidUntil).GreaterThan(d => d.ValidFrom).When(d => d.ValidFrom is not null && d.ValidUntil is not null);
    }
}

/// <summary>A paper named by its kind and number, to be looked up in its issuing register.</summary>
public sealed record PaperRequest(DocumentKind? Kind, string? Number);

public sealed class PaperValidator : AbstractValidator<PaperRequest>
{
    public PaperValidator()
    {
        RuleFor(p => p.Kind).NotNull().IsInEnum().Must(k => k is { } kind && DocumentNumbers.Registered.Contains(kind))
            .WithMessage("Only a driving licence, a vehicle registration, social insurance or a health-insurance card is integrated from its register.");
        RuleFor(p => p.Number).NotEmpty().Must((p, number) => p.Kind is not { } kind || DocumentNumbers.IsWellFormed(kind, number))
            .WithMessage(p => $"The number of this paper is {DocumentNumbers.Form(p.Kind ?? DocumentKind.IdCard)}.");
    }
}
