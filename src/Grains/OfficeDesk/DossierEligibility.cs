using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>A refusal for the officer (<see cref="Detail"/>) and in the citizen's words (<see cref="Plain"/>).</summary>
public sealed record DossierRefusal(string Detail, string Plain);

/// <summary>
/// Who may open a level-2 dossier, decided from what the registries hold (the dossier grain gathers it, this decides):
/// the citizen's consent recorded, a valid ID number the population database (or, for a foreigner, the immigration
/// database) holds, the minimum age, each dependent a child of the citizen under that age (a foreigner declares none),
/// and templates captured. Then whether a card is held (<see cref="CardPath"/>).
/// </summary>
public static class DossierEligibility
{
    /// <param name="person">The registry's record of the dossier's ID number (null: not in it).</param>
    /// <param name="dependents">Each declared dependent's record (null: not in the population database).</param>
    public static DossierRefusal? Refusal(OpenDossier dossier, CitizenRecord? person, IReadOnlyDictionary<string, CitizenRecord?> dependents,
        DateOnly receivedOn, RegistrationOptions registration)
    {
        if (!dossier.ConsentRecorded) return new("The citizen's consent was not recorded.", "chưa ghi nhận sự đồng ý của công dân");
        if (!IdentityNumber.TryParse(dossier.IdNumber, out var id, out var idError)) return new(idError, "số định danh cá nhân không hợp lệ");
        if (person is null)
        {
            return id.IsCitizen
                ? new("The ID number is not in the National Population Database.", "số định danh không có trong Cơ sở dữ liệu quốc gia về dân cư")
                : new("The passport is not in the National Immigration Database.", "hộ chiếu không có trong Cơ sở dữ liệu quốc gia về xuất nhập cảnh");
        }
        if (!id.IsCitizen && dossier.Dependents.Count > 0)
            return new("A foreigner's children are not recorded in the population database; dependents are declared by a citizen parent.",
                "người phụ thuộc chỉ được khai báo theo cha, mẹ là công dân Việt Nam");
        var minimumAge = registration.MinimumAge;
        if (!Declaration.IsOldEnough(person.DateOfBirth, receivedOn, registration))
            return new($"Citizens register from the age of {minimumAge}; a parent declares a younger child as a dependent.", $"công dân chưa đủ {minimumAge} tuổi");
        foreach (var child in dossier.Dependents)
        {
            var record = dependents.GetValueOrDefault(child);
            if (record is null || (record.FatherId != person.IdNumber && record.MotherId != person.IdNumber))
                return new($"Dependent {child} is not recorded as this citizen's child in the population database.",
                    $"người phụ thuộc {child} không được ghi nhận là con của công dân trong Cơ sở dữ liệu quốc gia về dân cư");
            if (Declaration.IsOldEnough(record.DateOfBirth, receivedOn, registration))
                return new($"Dependent {child} is {minimumAge} or older and registers an account of their own.",
                    $"người phụ thuộc {child} đã đủ {minimumAge} tuổi và cần đăng ký tài khoản riêng");
        }
        // Level 2 is never granted without biometrics: every dossier carries the captured templates.
        if (dossier.Portrait.Length == 0 && dossier.Fingerprint.Length == 0)
            return new("No portrait or fingerprint template was captured: level 2 needs biometrics.", "chưa thu nhận ảnh chân dung và vân tay");
        return null;
    }

    /// <summary>How an eligible person's card decides the dossier's path.</summary>
    public enum Path
    {
        /// <summary>A citizen who asked for a card with the account: the card-application path (7 working days).</summary>
        CardApplication,
        /// <summary>A valid card (or a foreigner's valid passport) presented: the biometrics are compared now.</summary>
        CompareNow,
        /// <summary>The card presented cannot be used: the card-application path, with the reason (<see cref="CardProblem"/>).</summary>
        CardApplicationAfterProblem,
        /// <summary>A foreigner's passport cannot be used: refused (a foreigner has no card path).</summary>
        Refused,
    }

    /// <summary>
    /// A foreigner's level 2 stands on the passport presented: valid and the one the immigration database records; there
    /// is no card path, so another or an expired passport refuses the dossier. A citizen's only counts when it is a valid
    /// chip card, the one on record ("còn thời gian hiệu lực"); an expired, lost, missing or other card sends the dossier
    /// to the card-application path.
    /// </summary>
    public static (Path Path, CardProblem? Problem) CardPath(OpenDossier dossier, CitizenRecord person, DateOnly receivedOn)
    {
        var foreigner = person.Kind == IdentityKind.Foreigner;
        if (!foreigner && !dossier.HasChipCard) return (Path.CardApplication, null);
        if (person.CardProblemOn(receivedOn, dossier.CardNumber) is { } problem)
            return (foreigner ? Path.Refused : Path.CardApplicationAfterProblem, problem);
        return (Path.CompareNow, null);
    }
}
