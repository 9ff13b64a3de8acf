using System.Text;
using Orleans.VNeID.Gateway.IdentityProvider;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Issue 27: what a relying party answers is hostile input; of a refusal only a well-formed RFC 8935 error code is kept.</summary>
public class SecurityEventRefusalTests
{
    [Theory]
    [InlineData("""{"err":"invalid_key","description":"INTERNAL-ONLY: db_password=hunter2"}""", "invalid_key")]
    [InlineData("""{"err":"<script>","description":"x"}""", "HTTP 400")]
    [InlineData("""{"err":12}""", "HTTP 400")]
    [InlineData("INTERNAL-ONLY: db_password=hunter2", "HTTP 400")]
    [InlineData("", "HTTP 400")]
    public void Only_the_error_code_of_a_refusal_is_kept(string body, string kept)
    {
        Assert.Equal(kept, SecurityEventSender.RefusalCode(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task A_refusal_in_an_unknown_charset_and_of_any_size_is_read_bounded_without_throwing()
    {
        var huge = new string('x', 10_000_000);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
        {
            Content = new StringContent(huge, Encoding.UTF8),
        };
        response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=made-up-charset");
        Assert.Equal("HTTP 400", await SecurityEventSender.RefusalCodeAsync(response, CancellationToken.None));
    }
}
