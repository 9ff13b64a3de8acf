using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Registry;

/// <summary>One citizen as the National Population Database records them.</summary>
public sealed record CitizenRecord(
    string IdNumber,
    string FullName,
    DateOnly DateOfBirth,
    Gender Gender,
    string BirthProvince,
    string? CardNumber,
    DateOnly? CardIssuedOn,
    string? Phone,
    string? FatherId,
    string? MotherId);

/// <summary>Templates the ID-card database enrolled for a citizen. Raw biometric data: never stored outside the registry.</summary>
public sealed record EnrolledBiometrics(byte[] Portrait, byte[] Fingerprint);

/// <summary>The stand-in for the National Population Database (and the ID-card database's templates) that the grains consult.</summary>
public interface IPopulationRegistry
{
    Task<CitizenRecord?> FindAsync(PersonalIdNumber id, CancellationToken cancellationToken = default);

    /// <summary>The enrolled templates, or null for a citizen without a chip ID card.</summary>
    Task<EnrolledBiometrics?> FindBiometricsAsync(PersonalIdNumber id, CancellationToken cancellationToken = default);
}
