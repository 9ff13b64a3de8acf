using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Errors;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>A camera and fingerprint reader enrolled to one office. Section <c>CaptureDevices:&lt;device id&gt;</c>.</summary>
public sealed class CaptureDevice
{
    /// <summary>The office the device is installed at: its captures count there only.</summary>
    public string Office { get; set; } = "";

    /// <summary>The device's ECDSA P-256 public key (base64 SubjectPublicKeyInfo); its private key never leaves the device.</summary>
    public string PublicKey { get; set; } = "";
}

/// <summary>
/// Captures are accepted only as a capture device enrolled to the office signed them, moments ago, for this ID number:
/// an officer's token alone (or a script) cannot submit templates, and a capture made at one office, for one citizen,
/// cannot be replayed for another or elsewhere. Development's simulated devices sign with a committed key, which
/// Production refuses to start with (<see cref="DevelopmentPublicKey"/>).
/// </summary>
public sealed class CaptureDevices(IOptions<Dictionary<string, CaptureDevice>> devices)
{
    public const string Section = "CaptureDevices";

    /// <summary>How far a capture's time may be from the desk's clock.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);

    /// <summary>The public key of Development's simulated devices (its private key is committed in <c>config/dev-capture-devices/</c>).</summary>
    public const string DevelopmentPublicKey =
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuh1P+r61gTo9rDtxtZusKjgDPDilqM5Z96LFqTviEnSCaMnw5kj3Bzj/46WF3W2iSQSVaL7waoBEHyO23ezt+A==";

    /// <summary>The refusal when the capture is not signed as it must be, or null.</summary>
    public Refusal? Refusal(string officeCode, string idNumber, byte[] portrait, byte[] fingerprint, CaptureSignature? signature, DateTimeOffset now)
    {
        if (signature is null) return ErrorCatalogue.CaptureNotTrusted.Refuse("The capture carries no device signature.");
        if (!devices.Value.TryGetValue(signature.DeviceId, out var device) || device.Office != officeCode)
            return ErrorCatalogue.CaptureNotTrusted.Refuse("The capture device is not enrolled to this office.");
        if ((signature.CapturedAt - now).Duration() > Freshness)
            return ErrorCatalogue.CaptureNotTrusted.Refuse("The capture is not from the last minutes.");
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(device.PublicKey), out _);
            var message = CaptureSigning.Message(officeCode, signature.DeviceId, idNumber, signature.CapturedAt, portrait, fingerprint);
            return key.VerifyData(message, signature.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? null
                : ErrorCatalogue.CaptureNotTrusted.Refuse("The capture's signature does not verify.");
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return ErrorCatalogue.CaptureNotTrusted.Refuse("The capture's signature does not verify.");
        }
    }
}

/// <summary>What a capture device signs: the office, itself, the ID number, the time and both templates.</summary>
public static class CaptureSigning
{
    public static byte[] Message(string officeCode, string deviceId, string idNumber, DateTimeOffset capturedAt, byte[] portrait, byte[] fingerprint) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "vneid-capture-v1", officeCode, deviceId, idNumber,
            capturedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(portrait), Convert.ToBase64String(fingerprint)));

    /// <summary>Signs as a device would (Development's simulated devices, and the tests).</summary>
    public static CaptureSignature Sign(ECDsa deviceKey, string officeCode, string deviceId, string idNumber, DateTimeOffset capturedAt,
        byte[] portrait, byte[] fingerprint)
    {
        // Whole seconds: the time travels as such.
        var at = DateTimeOffset.FromUnixTimeSeconds(capturedAt.ToUnixTimeSeconds());
        return new CaptureSignature(deviceId, at,
            deviceKey.SignData(Message(officeCode, deviceId, idNumber, at, portrait, fingerprint), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }
}
