using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Tests.Registry;

public class DocumentCheckTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);
    private const string Holder = "001090012345";

    private static RegisterRecord Paper(string holder = Holder, DateOnly? from = null, DateOnly? until = null, bool revoked = false) =>
        new(DocumentKind.DriverLicence, "010123456789", holder, "Sở GTVT Hà Nội", from ?? new DateOnly(2020, 1, 1), until, revoked ? DateTimeOffset.UnixEpoch : null);

    [Fact]
    public void A_paper_enters_only_when_its_register_names_the_holder_and_holds_it_valid_today()
    {
        Assert.Null(DocumentCheck.Refusal(Paper(until: Today), Holder, Today));
        Assert.Equal("document_not_registered", DocumentCheck.Refusal(null, Holder, Today)?.Code);
        Assert.Equal("document_other_person", DocumentCheck.Refusal(Paper(holder: "001090099999"), Holder, Today)?.Code);
        Assert.Equal("document_revoked", DocumentCheck.Refusal(Paper(revoked: true), Holder, Today)?.Code);
        Assert.Equal("document_expired", DocumentCheck.Refusal(Paper(until: Today.AddDays(-1)), Holder, Today)?.Code);
        Assert.Equal("document_expired", DocumentCheck.Refusal(Paper(from: Today.AddDays(1)), Holder, Today)?.Code);
    }

    [Theory]
    [InlineData(DocumentKind.DriverLicence, "010123456789", true)]
    [InlineData(DocumentKind.DriverLicence, "01012345678", false)]
    [InlineData(DocumentKind.VehicleRegistration, "29A-12345", true)]
    [InlineData(DocumentKind.VehicleRegistration, "29A12345", false)]
    [InlineData(DocumentKind.SocialInsurance, "0123456789", true)]
    [InlineData(DocumentKind.HealthInsuranceCard, "DN4010123456789", true)]
    [InlineData(DocumentKind.HealthInsuranceCard, "dn4010123456789", false)]
    [InlineData(DocumentKind.IdCard, "001090012345", false)]
    [InlineData(DocumentKind.Passport, "C1234567", false)]
    public void Each_register_has_the_form_of_its_numbers(DocumentKind kind, string number, bool wellFormed) =>
        Assert.Equal(wellFormed, DocumentNumbers.IsWellFormed(kind, number));
}
