using System.Text.RegularExpressions;

namespace Orleans.VNeID.Dossiers;

/// <summary>
/// The number each issuing register gives its papers: a driving licence 12 digits; a vehicle registration its plate
/// (province code, series, serial: <c>29A-12345</c>); a social-insurance number 10 digits; a health-insurance card
/// two letters and 13 digits. The chip card and the passport are never typed: they come from their own registries.
/// </summary>
public static partial class DocumentNumbers
{
    /// <summary>The papers a register checks, which a citizen may ask to integrate and an officer may add.</summary>
    public static readonly IReadOnlyList<DocumentKind> Registered =
        [DocumentKind.DriverLicence, DocumentKind.VehicleRegistration, DocumentKind.SocialInsurance, DocumentKind.HealthInsuranceCard];

    public static bool IsWellFormed(DocumentKind kind, string? number) => number is not null && kind switch
    {
        DocumentKind.DriverLicence => DriverLicence().IsMatch(number),
        DocumentKind.VehicleRegistration => Plate().IsMatch(number),
        DocumentKind.SocialInsurance => SocialInsurance().IsMatch(number),
        DocumentKind.HealthInsuranceCard => HealthInsurance().IsMatch(number),
        _ => false,
    };

    /// <summary>The form of <paramref name="kind"/>'s number, for a message.</summary>
    public static string Form(DocumentKind kind) => kind switch
    {
        DocumentKind.DriverLicence => "12 digits",
        DocumentKind.VehicleRegistration => "a plate such as 29A-12345",
        DocumentKind.SocialInsurance => "10 digits",
        DocumentKind.HealthInsuranceCard => "2 capital letters and 13 digits",
        _ => "not typed: it comes from its own registry",
    };

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex DriverLicence();

    [GeneratedRegex("^[0-9]{2}[A-Z][A-Z0-9]?-[0-9]{4,5}$")]
    private static partial Regex Plate();

    [GeneratedRegex("^[0-9]{10}$")]
    private static partial Regex SocialInsurance();

    [GeneratedRegex("^[A-Z]{2}[0-9]{13}$")]
    private static partial Regex HealthInsurance();
}
