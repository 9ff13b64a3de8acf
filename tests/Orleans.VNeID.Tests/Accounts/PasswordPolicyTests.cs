using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;

namespace Orleans.VNeID.Tests.Accounts;

public class PasswordPolicyTests
{
    private static readonly PasswordPolicyOptions Options = new();

    [Theory]
    [InlineData("Nhoquan@123")]
    [InlineData("Aa1!aaaa")]
    [InlineData("Aa1_aaaaaaaaaaaaaaaa")]
    [InlineData("Xy9(z)*^#$")]
    public void The_seed_example_and_others_that_follow_the_rules_pass(string password) =>
        Assert.Empty(PasswordPolicy.Check(password, Options));

    [Theory]
    [InlineData("Aa1!aaa", "8 to 20")]
    [InlineData("Aa1!aaaaaaaaaaaaaaaaa", "8 to 20")]
    [InlineData("Aaa!aaaa", "digit")]
    [InlineData("aa1!aaaa", "upper-case")]
    [InlineData("AA1!AAAA", "lower-case")]
    [InlineData("Aa1aaaaa", "special")]
    [InlineData("Aa1!aaa%", "only letters")]
    [InlineData("Aa1!aaa ", "only letters")]
    [InlineData("Aa1!aaaé", "only letters")]
    [InlineData("", "required")]
    [InlineData(null, "required")]
    public void Each_broken_rule_is_named(string? password, string expected) =>
        Assert.Contains(PasswordPolicy.Check(password, Options), p => p.Contains(expected, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Limits_come_from_options()
    {
        var strict = new PasswordPolicyOptions { MinLength = 12, MaxLength = 64, SpecialCharacters = "%" };
        Assert.NotEmpty(PasswordPolicy.Check("Nhoquan@123", strict));
        Assert.Empty(PasswordPolicy.Check("Nhoquanabc%12", strict));
    }
}
