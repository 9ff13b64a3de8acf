using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.IdentityProvider;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// Each paper of a level-2 wallet as a credential of its own (issue 29): an SD-JWT VC of the paper's register facts and
/// its holder, every claim disclosable, bound to the holder's key, its status-list entry naming the paper so that the
/// register's revocation or the paper's expiry reads invalid at the next fetch of the list.
/// </summary>
public static class PaperCredentials
{
    /// <summary>The credential configuration of each kind of paper a register checks: its kind, the path of its vct, its name.</summary>
    public static readonly IReadOnlyDictionary<string, (DocumentKind Kind, string Path, string Vi, string En)> Configurations =
        new Dictionary<string, (DocumentKind, string, string, string)>
        {
            ["vn.vneid.driving_licence"] = (DocumentKind.DriverLicence, "driving-licence", "Giấy phép lái xe", "Driving licence"),
            ["vn.vneid.vehicle_registration"] = (DocumentKind.VehicleRegistration, "vehicle-registration", "Giấy đăng ký xe", "Vehicle registration"),
            ["vn.vneid.social_insurance"] = (DocumentKind.SocialInsurance, "social-insurance", "Sổ bảo hiểm xã hội", "Social insurance"),
            ["vn.vneid.health_insurance_card"] = (DocumentKind.HealthInsuranceCard, "health-insurance-card", "Thẻ bảo hiểm y tế", "Health-insurance card"),
        };

    public static string Vct(OidcOptions oidc, string path) => CredentialIssuer.Issuer(oidc) + "/credentials/" + path;

    /// <summary>The wallet's paper numbered <paramref name="number"/> as a credential bound to the proven key; or why not.</summary>
    public static async Task<(string? Credential, KnownError? Refused)> IssueAsync(HttpContext http, string idNumber, string configuration, string? number,
        CredentialProof? proof)
    {
        var (kind, path, _, _) = Configurations[configuration];
        var (holder, refused) = await CredentialIssuer.HolderAsync(http, idNumber, proof);
        if (holder is null) return (null, refused);
        // The wallet shows only papers that still stand in their registers: a revoked or expired one is not issued.
        if (holder.Wallet.FirstOrDefault(d => d.Kind == kind && d.Number == number) is not { } paper) return (null, ErrorCatalogue.DocumentNotRegistered);
        var disclosable = new Dictionary<string, object?>
        {
            ["document_number"] = paper.Number,
            ["issuing_authority"] = paper.Issuer,
            ["holder_name"] = holder.View.FullName,
            ["holder_id_number"] = idNumber,
        };
        if (paper.ValidFrom is { } from) disclosable["valid_from"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (paper.ValidUntil is { } until) disclosable["valid_until"] = until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var oidc = http.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value;
        return (await CredentialIssuer.SignAsync(http, holder, configuration, Vct(oidc, path), disclosable, paper.ValidUntil, (kind, paper.Number)), null);
    }
}
