using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>
/// Who may declare a level-1 account (Decision 34 art. 6 §4 a-d, docs/domain.md, "Accounts and levels"): the declaration's own consistency, the
/// minimum age, and the match against the National Population Database. Pure rules, apart from any grain.
/// </summary>
public static class Declaration
{
    /// <summary>What is wrong with the declaration before the registry is asked, or null.</summary>
    public static Refusal? Check(IdentityNumber id, DeclareAccount declaration, RegistrationOptions options, DateOnly today)
    {
        var fieldErrors = new Dictionary<string, string[]>();
        // A personal ID number encodes the birth year and gender; a passport number encodes nothing.
        if (id.IsCitizen && !id.Citizen.AgreesWith(declaration.DateOfBirth, declaration.Gender))
            fieldErrors["idNumber"] = ["The ID number's century, gender and birth-year digits do not agree with the declared date of birth and gender."];
        if (!CitizenName.IsWellFormed(declaration.FullName))
            fieldErrors["fullName"] = ["The full name must be 1 to 100 letters, spaces, apostrophes or hyphens."];
        if (fieldErrors.Count > 0) return AccountRefusals.Validation(fieldErrors);

        return IsOldEnough(declaration.DateOfBirth, today, options)
            ? null
            : ErrorCatalogue.UnderMinimumAge.Refuse(
                $"Citizens may register from the age of {options.MinimumAge}; a parent can declare a younger child as a dependent.");
    }

    /// <summary>
    /// Old enough for an account of one's own on <paramref name="on"/>; younger citizens are a parent's dependents.
    /// The one minimum-age rule, for declarations and for dossiers at the desk alike.
    /// </summary>
    public static bool IsOldEnough(DateOnly dateOfBirth, DateOnly on, RegistrationOptions options) =>
        VietnamTime.AgeOn(dateOfBirth, on) >= options.MinimumAge;

    /// <summary>
    /// Level-1 matching: ID (or passport key) exact, full name as <see cref="CitizenName"/> compares (a foreigner's as the
    /// passport writes it, in Latin letters), birth date and gender exact.
    /// </summary>
    public static bool Matches(CitizenRecord? citizen, IdentityNumber id, DeclareAccount declaration) =>
        citizen is not null &&
        citizen.IdNumber == id.Value &&
        CitizenName.Matches(declaration.FullName, citizen.FullName) &&
        citizen.DateOfBirth == declaration.DateOfBirth &&
        citizen.Gender == declaration.Gender;

    /// <summary>
    /// How long until declarations for an ID number are taken again, when its mismatches within the window spent the
    /// budget; null when one may be checked now. Drops mismatches older than the window.
    /// </summary>
    public static TimeSpan? OverBudget(List<DateTimeOffset> mismatches, RegistrationOptions options, DateTimeOffset now)
    {
        mismatches.RemoveAll(at => at <= now - options.MismatchWindow);
        return mismatches.Count >= options.MismatchBudget ? mismatches.Min() + options.MismatchWindow - now : null;
    }

    /// <summary>One answer for "unknown" and "different": the registry's contents are not disclosed.</summary>
    public static Refusal Mismatch() => ErrorCatalogue.RegistryMismatch.Refuse();
}
