using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Tests.Accounts;

public class DeclarationTests
{
    private static readonly RegistrationOptions Options = new();
    private static readonly PersonalIdNumber Id = PersonalIdNumber.Parse("001090012345");
    private static readonly DeclareAccount Valid = new("Nguyễn Văn An", new DateOnly(1990, 5, 15), Gender.Male, "0912345678");
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Fact]
    public void A_consistent_declaration_passes()
    {
        Assert.Null(Declaration.Check(Id, Valid, Options, Today));
    }

    [Fact]
    public void Field_problems_are_named_per_field()
    {
        var refusal = Declaration.Check(Id, Valid with { Gender = Gender.Female, FullName = "An 1", Phone = null }, Options, Today);
        Assert.Equal("validation_failed", refusal!.Code);
        Assert.Equal(["fullName", "idNumber"], refusal.FieldErrors!.Keys.Order());
    }

    [Fact]
    public void Registry_mismatches_spend_a_budget_per_window_and_then_free_it()
    {
        var options = new RegistrationOptions { MismatchBudget = 3, MismatchWindow = TimeSpan.FromHours(1) };
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        var mismatches = new List<DateTimeOffset> { start, start.AddMinutes(10) };
        Assert.Null(Declaration.OverBudget(mismatches, options, start.AddMinutes(20)));
        mismatches.Add(start.AddMinutes(20));
        Assert.Equal(TimeSpan.FromMinutes(40), Declaration.OverBudget(mismatches, options, start.AddMinutes(20)));
        Assert.Null(Declaration.OverBudget(mismatches, options, start.AddMinutes(60)));
        Assert.Equal(2, mismatches.Count);
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(16, false)]
    public void The_minimum_age_comes_from_the_options(int minimumAge, bool oldEnough)
    {
        var options = new RegistrationOptions { MinimumAge = minimumAge };
        var fifteen = new DateOnly(2011, 1, 1);
        Assert.Equal(oldEnough, Declaration.IsOldEnough(fifteen, Today, options));
        var id = PersonalIdNumber.Parse("001211012345");
        var refusal = Declaration.Check(id, Valid with { DateOfBirth = fifteen }, options, Today);
        Assert.Equal(oldEnough ? null : "under_minimum_age", refusal?.Code);
    }

    [Fact]
    public void The_registry_match_is_exact_but_for_how_the_name_is_written()
    {
        var record = new CitizenRecord(Id.Value, "Nguyễn Văn An", Valid.DateOfBirth, Gender.Male, "Hà Nội", null, null, null, null, null);
        Assert.True(Declaration.Matches(record, Id, Valid with { FullName = "NGUYỄN  văn an" }));
        Assert.False(Declaration.Matches(record, Id, Valid with { FullName = "Nguyen Van An" }));
        Assert.False(Declaration.Matches(record, Id, Valid with { DateOfBirth = Valid.DateOfBirth.AddDays(1) }));
        Assert.False(Declaration.Matches(null, Id, Valid));
        Assert.Equal("registry_mismatch", Declaration.Mismatch().Code);
    }
}
