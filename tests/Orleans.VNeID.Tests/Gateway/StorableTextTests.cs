using Orleans.VNeID.Gateway.Validation;

namespace Orleans.VNeID.Tests.Gateway;

public class StorableTextTests
{
    private sealed record Paper(string Number, IReadOnlyList<string> Notes);
    private sealed record Body(string? Name, Paper[] Papers, byte[] Template, int Count);

    [Fact]
    public void Bad_input_text_postgresql_cannot_store_is_recognised()
    {
        // Built at run time: attribute arguments cannot hold a lone surrogate.
        Assert.True(StorableText.IsStorable("Nguyễn Văn An"));
        Assert.True(StorableText.IsStorable("emoji 😀 pair"));
        Assert.True(StorableText.IsStorable(""));
        Assert.False(StorableText.IsStorable("nul" + (char)0));
        Assert.False(StorableText.IsStorable("lone " + (char)0xD800 + " high"));
        Assert.False(StorableText.IsStorable("lone " + (char)0xDC00 + " low"));
        Assert.False(StorableText.IsStorable("ends high " + (char)0xD83D));
    }

    [Fact]
    public void Bad_input_every_string_of_a_nested_body_is_checked_and_named_by_its_json_path()
    {
        var body = new Body("An", [new Paper("B1", ["ok"]), new Paper("B" + (char)0 + "2", ["fine", "x" + (char)0xD800])], [0, 0, 1], 3);
        var problems = StorableText.Problems(body);
        Assert.Equal(["papers[1].notes[1]", "papers[1].number"], problems.Keys.Order());
        Assert.Empty(StorableText.Problems(body with { Papers = [] }));
    }
}
