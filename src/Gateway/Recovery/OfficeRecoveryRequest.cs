using System.ComponentModel;
using FluentValidation;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Gateway.Recovery;

/// <summary>Password recovery with the citizen at the desk: their ID number and the templates the devices captured.</summary>
public sealed record OfficeRecoveryRequest(
    [property: Description(Hosting.IdNumberParameterTransformer.Description)] string? IdNumber,
    [property: Description("Base64 of the 64-byte portrait template from the capture device.")] string? PortraitTemplate,
    [property: Description("Base64 of the 64-byte fingerprint template from the reader.")] string? FingerprintTemplate,
    [property: Description("A new phone for the account, when the citizen no longer has the one on record; it waits for a second officer's confirmation and the previous phone is told at once.")] string? Phone = null,
    [property: Description(Validation.CaptureFields.DeviceIdDescription)] string? DeviceId = null,
    [property: Description(Validation.CaptureFields.CapturedAtDescription)] DateTimeOffset? CapturedAt = null,
    [property: Description(Validation.CaptureFields.SignatureDescription)] string? DeviceSignature = null)
{
    public OfficeRecovery ToCommand() => new(IdNumber!, Convert.FromBase64String(PortraitTemplate!), Convert.FromBase64String(FingerprintTemplate!), Phone?.Trim(),
        Validation.CaptureFields.Signature(DeviceId, CapturedAt, DeviceSignature));
}

public sealed class OfficeRecoveryValidator : AbstractValidator<OfficeRecoveryRequest>
{
    public OfficeRecoveryValidator()
    {
        RuleFor(r => r.IdNumber).ValidIdNumber();
        RuleFor(r => r.PortraitTemplate).ValidTemplate("portrait");
        RuleFor(r => r.FingerprintTemplate).ValidTemplate("fingerprint");
        RuleFor(r => r.Phone).ValidPhone().When(r => r.Phone is not null);
        this.ValidCapture(r => r.DeviceId, r => r.CapturedAt, r => r.DeviceSignature);
    }
}
