using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Registry;

namespace Orleans.VNeID.OfficeDesk;

/// <summary>Stands in for the desk's camera and fingerprint reader in Development (the same switch as the message read-back).</summary>
[StatelessWorker]
public sealed class CaptureDeviceSimulatorGrain(IPopulationRegistry registry, IOptions<NotificationOptions> options)
    : Grain, ICaptureDeviceSimulatorGrain
{
    public async Task<SimulatedCapture?> CaptureAsync(string idNumber, double noise)
    {
        if (!options.Value.AllowReadBack || !IdentityNumber.TryParse(idNumber, out var id, out _)) return null;
        if (await registry.FindAsync(id) is null) return null;
        // The person's own features: the ones the ID-card database enrolled, or (a card applicant) the ones it will enroll.
        if (await registry.SimulatedPersonAsync(id) is not { } enrolled) return null;
        var seed = Random.Shared.Next();
        return new SimulatedCapture(
            Convert.ToBase64String(BiometricTemplates.Capture(enrolled.Portrait, noise, seed)),
            Convert.ToBase64String(BiometricTemplates.Capture(enrolled.Fingerprint, noise, seed + 1)));
    }

    public async Task<Accounts.ChipRead?> ReadChipAsync(string idNumber) =>
        options.Value.AllowReadBack && PersonalIdNumber.TryParse(idNumber, out var id, out _) ? await registry.FindChipAsync(id) : null;
}
