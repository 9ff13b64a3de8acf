using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Grains.Registry;

/// <summary>
/// One person as the registry records them: a citizen from the National Population Database, or a foreigner from the
/// National Immigration Database. For a foreigner <see cref="IdNumber"/> is the document key (<c>FRA-18AB12345</c>), the
/// "card" is the passport or travel document (number, issue and expiry dates), <see cref="BirthProvince"/> is empty and
/// <see cref="Nationality"/> is set.
/// </summary>
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
    string? MotherId,
    DateOnly? CardExpiresOn = null,
    DateOnly? CardReportedLostOn = null,
    string? Nationality = null,
    // A foreigner's person number in the immigration database: every passport the person held carries the same one.
    string? PersonId = null)
{
    public IdentityKind Kind => Nationality is null ? IdentityKind.Citizen : IdentityKind.Foreigner;

    /// <summary>
    /// Why the card on record cannot be presented on <paramref name="day"/> (none, reported lost, expired, or not the one
    /// shown at the desk), for the officer and in the citizen's words; null when it is valid. A card without a recorded
    /// expiry follows the law's ages.
    /// </summary>
    public CardProblem? CardProblemOn(DateOnly day, string? presentedNumber = null)
    {
        if (Kind == IdentityKind.Foreigner) return PassportProblemOn(day, presentedNumber);
        if (CardNumber is null || CardIssuedOn is not { } issued)
            return new("No chip ID card is on record for this citizen.", "chưa có thẻ căn cước gắn chíp");
        if (CardReportedLostOn is { } lost)
            return new($"Chip ID card {CardNumber} was reported lost on {lost:yyyy-MM-dd}.", $"thẻ căn cước đã được báo mất ngày {lost:dd/MM/yyyy}");
        if ((CardExpiresOn ?? ChipCard.ExpiresOn(DateOfBirth, issued)) is { } expires && expires <= day)
            return new($"Chip ID card {CardNumber} expired on {expires:yyyy-MM-dd}.", $"thẻ căn cước đã hết hạn từ ngày {expires:dd/MM/yyyy}");
        if (presentedNumber is { Length: > 0 } shown && !string.Equals(shown.Trim(), CardNumber, StringComparison.Ordinal))
            return new($"The card presented ({shown.Trim()}) is not the valid card on record.", "thẻ xuất trình không phải thẻ căn cước còn hiệu lực");
        return null;
    }

    /// <summary>A foreigner's passport or travel document: it must be the one on record and not expired.</summary>
    private CardProblem? PassportProblemOn(DateOnly day, string? presentedNumber)
    {
        if (CardExpiresOn is { } expires && expires <= day)
            return new($"Passport {CardNumber} expired on {expires:yyyy-MM-dd}.", $"hộ chiếu đã hết hạn từ ngày {expires:dd/MM/yyyy}");
        if (!string.Equals(presentedNumber?.Trim(), CardNumber, StringComparison.Ordinal))
            return new($"The document presented ({presentedNumber?.Trim() ?? "none"}) is not passport {CardNumber} on record.",
                "hộ chiếu xuất trình không phải hộ chiếu được ghi nhận trong Cơ sở dữ liệu quốc gia về xuất nhập cảnh");
        return null;
    }

    /// <summary>The card's expiry as recorded, or by the law's ages when the record has none.</summary>
    public DateOnly? CardValidUntil => CardExpiresOn ?? (Kind == IdentityKind.Foreigner ? null : CardIssuedOn is { } issued ? ChipCard.ExpiresOn(DateOfBirth, issued) : null);
}

/// <summary>Why a chip card cannot be used: <see cref="Detail"/> for the officer, <see cref="Plain"/> in the citizen's words.</summary>
public sealed record CardProblem(string Detail, string Plain);

/// <summary>Templates the ID-card database enrolled for a citizen. Raw biometric data: never stored outside the registry.</summary>
public sealed record EnrolledBiometrics(byte[] Portrait, byte[] Fingerprint);

/// <summary>
/// The stand-ins the grains consult: the National Population Database (and the ID-card database's templates) for citizens,
/// the National Immigration Database (and the templates taken at entry) for foreigners.
/// </summary>
public interface IPopulationRegistry
{
    /// <summary>The citizen or the foreigner the number names, from the database that keeps their kind.</summary>
    Task<CitizenRecord?> FindAsync(IdentityNumber id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The passport the immigration database holds as a foreigner's latest (the newest issued of the person's documents):
    /// a renewed passport carries the same person number as the one it replaced.
    /// </summary>
    Task<CitizenRecord?> FindCurrentPassportAsync(string personId, CancellationToken cancellationToken = default);

    /// <summary>The citizens the registry records with <paramref name="parent"/> as father or mother.</summary>
    Task<IReadOnlyList<CitizenRecord>> FindChildrenAsync(PersonalIdNumber parent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Development's capture devices: what the person looks like to them. A card holder's or foreigner's enrolled
    /// templates, else the features the stand-in drew at random for a person without a card yet; null for nobody known.
    /// </summary>
    Task<EnrolledBiometrics?> SimulatedPersonAsync(IdentityNumber id, CancellationToken cancellationToken = default);

    /// <summary>The enrolled templates, or null for a citizen without a chip ID card (or a foreigner without templates).</summary>
    Task<EnrolledBiometrics?> FindBiometricsAsync(IdentityNumber id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Development's simulated chip card of a card holder, read as a phone reads it (EF.SOD, data groups 1, 13 and 15)
    /// and answering <paramref name="challenge"/> as the card's own key would (active authentication); null without one.
    /// </summary>
    Task<Orleans.VNeID.Accounts.ChipRead?> ReadChipAsync(PersonalIdNumber id, byte[] challenge, CancellationToken cancellationToken = default);
}
