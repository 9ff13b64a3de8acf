using Orleans.VNeID.Accounts;
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
    string? MotherId)
{
    /// <summary>Level-1 matching (Decision 34 art. 6 §4 a-d): ID exact, full name as <see cref="CitizenName"/> compares, birth date and gender exact.</summary>
    public bool Matches(PersonalIdNumber id, DeclareAccount declaration) =>
        IdNumber == id.Value &&
        CitizenName.Matches(declaration.FullName, FullName) &&
        DateOfBirth == declaration.DateOfBirth &&
        Gender == declaration.Gender;
}

/// <summary>The stand-in for the National Population Database that the grains consult.</summary>
public interface IPopulationRegistry
{
    Task<CitizenRecord?> FindAsync(PersonalIdNumber id, CancellationToken cancellationToken = default);
}
