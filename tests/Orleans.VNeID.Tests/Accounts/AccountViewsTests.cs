namespace Orleans.VNeID.Tests.Accounts;

public class AccountViewsTests
{
    [Theory]
    [InlineData("0912345678", "*******678")]
    [InlineData("1234", "****")]
    [InlineData("12", "**")]
    [InlineData(null, null)]
    public void A_phone_shows_only_its_last_three_digits(string? phone, string? masked) =>
        Assert.Equal(masked, AccountViews.MaskPhone(phone));

    [Fact]
    public void The_view_carries_no_secret_and_the_profile_marks_each_source()
    {
        var state = new AccountState
        {
            FullName = "Nguyễn Văn An", DateOfBirth = new DateOnly(1990, 5, 15), Gender = Gender.Male,
            Phone = "0912345678", RegistryPhone = "0912345678", Email = "an@example.vn", PasswordHash = "secret-hash",
        };
        var view = AccountViews.View("001090012345", state, AccountLevel.Level1);
        Assert.Equal("*******678", view.MaskedPhone);
        Assert.DoesNotContain("secret-hash", view.ToString());

        var profile = AccountViews.Profile("001090012345", state, AccountLevel.Level1);
        Assert.Equal(FieldSource.VerifiedByRegistry, profile.Fields.Single(f => f.Name == "phone").Source);
        Assert.Equal(FieldSource.SelfDeclared, profile.Fields.Single(f => f.Name == "email").Source);
        // Rule: digits 1-3 are the place where the birth was registered, and the profile names them so (issue 14).
        Assert.Equal("Hà Nội", profile.Fields.Single(f => f.Name == "birthRegistrationPlace").Value);
        Assert.DoesNotContain(profile.Fields, f => f.Name == "birthProvince");

        state.Phone = "0999999999";
        profile = AccountViews.Profile("001090012345", state, AccountLevel.Level1);
        Assert.Equal(FieldSource.SelfDeclared, profile.Fields.Single(f => f.Name == "phone").Source);
    }
}
