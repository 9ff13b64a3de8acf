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
