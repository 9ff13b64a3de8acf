using System.Text;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Tests.Identity;

public class CitizenNameTests
{
    [Fact]
    public void Composed_and_decomposed_forms_match()
    {
        var composed = "Nguyễn Văn An".Normalize(NormalizationForm.FormC);
        var decomposed = "Nguyễn Văn An".Normalize(NormalizationForm.FormD);
        Assert.NotEqual(composed, decomposed);
        Assert.True(CitizenName.Matches(decomposed, composed));
    }

    [Theory]
    [InlineData("  Nguyễn   Văn\tAn ", "Nguyễn Văn An")]
    [InlineData("NGUYỄN VĂN AN", "Nguyễn Văn An")]
    [InlineData("nguyễn văn an", "Nguyễn Văn An")]
    [InlineData("ĐẶNG THỊ LAN", "Đặng Thị Lan")]
    public void Whitespace_and_case_do_not_matter(string declared, string registered) =>
        Assert.True(CitizenName.Matches(declared, registered));

    // Rule: the old and the new tone-mark placement spell one name (issue 14, "Hoà" and "Hòa").
    [Theory]
    [InlineData("Nguyễn Văn Hòa", "Nguyễn Văn Hoà")]
    [InlineData("Lê Thị Thủy", "Lê Thị Thuỷ")]
    [InlineData("Phạm Khánh Hòe", "Phạm Khánh Hoè")]
    [InlineData("TRẦN THỊ HÒA", "Trần Thị Hoà")]
    [InlineData("Hoàng Quý", "Hoàng Qúy")]
    public void Old_and_new_tone_mark_placement_are_the_same_name(string declared, string registered)
    {
        Assert.True(CitizenName.Matches(declared, registered));
        Assert.True(CitizenName.Matches(registered.Normalize(NormalizationForm.FormD), declared));
    }

    // The tone itself still matters, wherever it is written.
    [Theory]
    [InlineData("Nguyễn Văn Hòa", "Nguyễn Văn Hoá")]
    [InlineData("Lê Thị Thủy", "Lê Thị Thuý")]
    [InlineData("Nguyễn Văn Hoa", "Nguyễn Văn Hoà")]
    [InlineData("Lê Văn Hòa", "Lệ Văn Hoà")]
    public void A_different_tone_is_a_different_name(string declared, string registered) =>
        Assert.False(CitizenName.Matches(declared, registered));

    [Theory]
    [InlineData("Lê Văn An", "Lệ Văn An")]
    [InlineData("Nguyen Van An", "Nguyễn Văn An")]
    [InlineData("Dang Thi Lan", "Đặng Thị Lan")]
    [InlineData("Nguyễn Văn", "Nguyễn Văn An")]
    [InlineData("NguyễnVăn An", "Nguyễn Văn An")]
    public void Diacritics_and_letters_do_matter(string declared, string registered) =>
        Assert.False(CitizenName.Matches(declared, registered));

    [Theory]
    [InlineData("Nguyễn Văn An", true)]
    [InlineData("H'Hen Niê", true)]
    [InlineData("Trần-Lê Minh", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("Nguyễn Văn An 2", false)]
    [InlineData("<script>", false)]
    [InlineData("Robert'); DROP TABLE", false)]
    public void Well_formed_names_are_letters_spaces_apostrophes_hyphens(string name, bool expected) =>
        Assert.Equal(expected, CitizenName.IsWellFormed(name));

    [Fact]
    public void A_name_longer_than_the_limit_is_not_well_formed() =>
        Assert.False(CitizenName.IsWellFormed(new string('a', CitizenName.MaxLength + 1)));
}
