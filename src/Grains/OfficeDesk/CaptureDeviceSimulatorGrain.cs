using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>Stands in for the desk's camera and fingerprint reader in Development (the same switch as the message read-back).</summary>
[StatelessWorker]
public sealed class CaptureDeviceSimulatorGrain(IPopulationRegistry registry, IOptions<NotificationOptions> options,
    IOptions<Chips.ChipOptions> paths, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(Platform.PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, ICaptureDeviceSimulatorGrain
{
    /// <summary>The simulated devices' private key, committed for Development only (config/dev-capture-devices/).</summary>
    public const string KeyFile = "dev-capture-devices/simulated-device.key";

    public async Task<SimulatedCapture?> CaptureAsync(string idNumber, double noise, string officeCode)
    {
        if (!options.Value.AllowReadBack || !IdentityNumber.TryParse(idNumber, out var id, out _)) return null;
        if (await registry.FindAsync(id) is null) return null;
        // The person's own features: the ones the ID-card database enrolled, or (a card applicant) the ones it will enroll.
        if (await registry.SimulatedPersonAsync(id) is not { } enrolled) return null;
        var seed = Random.Shared.Next();
        var portrait = BiometricTemplates.Capture(enrolled.Portrait, noise, seed);
        var fingerprint = BiometricTemplates.Capture(enrolled.Fingerprint, noise, seed + 1);
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(paths.Value.BaseDirectory, KeyFile)));
        var signature = CaptureSigning.Sign(key, officeCode, "SIM-" + officeCode, id.Value, clock.GetUtcNow(), portrait, fingerprint);
        return new SimulatedCapture(Convert.ToBase64String(portrait), Convert.ToBase64String(fingerprint),
            signature.DeviceId, signature.CapturedAt, Convert.ToBase64String(signature.Signature));
    }

    public async Task<Orleans.VNeID.Accounts.ChipRead?> ReadChipAsync(string idNumber, byte[] challenge) =>
        options.Value.AllowReadBack && PersonalIdNumber.TryParse(idNumber, out var id, out _) ? await registry.ReadChipAsync(id, challenge) : null;
}
