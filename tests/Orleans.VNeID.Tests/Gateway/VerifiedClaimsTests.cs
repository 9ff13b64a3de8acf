using System.Text.Json;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// The evidence of <c>verified_claims</c> names what really verified the person: a citizen's the population database
/// (level 1) or the chip ID card at a police office (level 2); a foreigner's the immigration database or the passport,
/// never the population database or an ID card (issue 29).
/// </summary>
public class VerifiedClaimsTests
{
    private static readonly DateTimeOffset Checked = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private static AccountView View(string idNumber, AccountLevel level) => new(idNumber,
        level == AccountLevel.Level2 ? AccountStatus.Level2 : AccountStatus.Level1, level, level, "Marie Claire Dubois",
        new DateOnly(1988, 3, 2), Gender.Female, null, null, Checked, Checked, null, null);

    private static JsonElement Evidence(string idNumber, AccountLevel level)
    {
        var verification = new VerificationView(Checked, level == AccountLevel.Level2 ? new InPersonVerification("261207-1012-00001-1", "CAP-HG", "officer-hn-01", Checked) : null);
        var element = ProviderClaims.Verified(["name"], View(idNumber, level), verification);
        return element.GetProperty("verification").GetProperty("evidence")[0];
    }

    [Fact]
    public void A_citizens_evidence_is_the_population_database_or_the_id_card()
    {
        var one = Evidence("001090012345", AccountLevel.Level1);
        Assert.Equal("population_register", one.GetProperty("record").GetProperty("type").GetString());
        var two = Evidence("001090012345", AccountLevel.Level2);
        Assert.Equal("idcard", two.GetProperty("document_details").GetProperty("type").GetString());
    }

    [Fact]
    public void A_foreigners_evidence_is_the_immigration_database_or_the_passport_never_the_population_database_or_an_id_card()
    {
        var one = Evidence("FRA-18AB12345", AccountLevel.Level1);
        Assert.Equal("immigration_register", one.GetProperty("record").GetProperty("type").GetString());
        Assert.DoesNotContain("dân cư", one.GetRawText());
        var two = Evidence("FRA-18AB12345", AccountLevel.Level2);
        var document = two.GetProperty("document_details");
        Assert.Equal("passport", document.GetProperty("type").GetString());
        Assert.Equal("FRA", document.GetProperty("issuer").GetProperty("country_code").GetString());
        Assert.DoesNotContain("idcard", two.GetRawText());
    }
}
