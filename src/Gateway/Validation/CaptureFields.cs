using FluentValidation;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Gateway.Validation;

/// <summary>The capture device's signature that comes with every template at a desk, as the requests carry it.</summary>
public static class CaptureFields
{
    public const string DeviceIdDescription = "The capture device that took the templates: one enrolled to this office (CaptureDevices).";
    public const string CapturedAtDescription = "When the device took them (within 5 minutes of the desk's clock).";
    public const string SignatureDescription =
        "Base64 of the device's ECDSA P-256 signature (SHA-256, DER) over \"vneid-capture-v1\", the office code, the device id, the ID number, " +
        "the capture time in Unix seconds and both templates in base64, joined by line feeds.";

    public static CaptureSignature Signature(string? deviceId, DateTimeOffset? capturedAt, string? signature) =>
        new(deviceId!, capturedAt!.Value, Convert.FromBase64String(signature!));

    public static void ValidCapture<T>(this AbstractValidator<T> validator, Func<T, string?> deviceId, Func<T, DateTimeOffset?> capturedAt, Func<T, string?> signature)
    {
        validator.RuleFor(r => deviceId(r)).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9._-]+$").OverridePropertyName("deviceId")
            .WithMessage("The capture device's id is required.");
        validator.RuleFor(r => capturedAt(r)).NotNull().OverridePropertyName("capturedAt").WithMessage("The capture time is required.");
        validator.RuleFor(r => signature(r)).Must(s =>
            {
                var buffer = new byte[200];
                return s is { Length: > 0 and <= 280 } && Convert.TryFromBase64String(s, buffer, out _);
            })
            .OverridePropertyName("deviceSignature").WithMessage("The capture device's signature is required: base64, at most 200 bytes.");
    }
}
