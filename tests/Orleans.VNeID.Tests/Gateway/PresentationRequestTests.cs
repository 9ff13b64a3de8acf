using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Orleans.VNeID.Gateway.Credentials;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>The console's web wallet answers only well-formed requests for claims of the e-ID, to where the verifier named itself.</summary>
public class PresentationRequestTests
{
    private const string Vct = "https://id.example.vn/credentials/eid";
    private const string Response = "https://desk.example/online/response";

    private static Dictionary<string, StringValues> Good() => new()
    {
        ["response_type"] = "vp_token", ["response_mode"] = "direct_post", ["client_id"] = "redirect_uri:" + Response, ["response_uri"] = Response,
        ["nonce"] = "n-0123456789abcdef", ["state"] = "s-0123456789abcdef",
        ["dcql_query"] = """{"credentials":[{"id":"eid","format":"dc+sd-jwt","meta":{"vct_values":["https://id.example.vn/credentials/eid"]},"claims":[{"path":["age_over_18"]},{"path":["portrait"]}]}]}""",
    };

    private static PresentationRequest? Parse(Action<Dictionary<string, StringValues>>? change = null)
    {
        var query = Good();
        change?.Invoke(query);
        return PresentationRequest.Parse(new QueryCollection(query), Vct);
    }

    [Fact]
    public void A_request_for_claims_of_the_e_id_is_taken_with_what_it_asks()
    {
        var request = Parse()!;
        Assert.Equal(["age_over_18", "portrait"], request.Claims);
        Assert.Equal(("eid", "desk.example"), (request.QueryId, request.ResponseUri.Authority));
    }

    [Theory]
    [InlineData("response_mode", "fragment")]
    [InlineData("client_id", "redirect_uri:https://elsewhere.example/r")]
    [InlineData("client_id", "x509_san_dns:desk.example")]
    [InlineData("response_uri", "http://desk.example/online/response")]
    [InlineData("response_uri", "javascript:alert(1)")]
    [InlineData("nonce", "short")]
    [InlineData("state", "")]
    [InlineData("dcql_query", "{}")]
    [InlineData("dcql_query", """{"credentials":[{"id":"eid","format":"dc+sd-jwt","meta":{"vct_values":["https://other.example/credentials/eid"]},"claims":[{"path":["age_over_18"]}]}]}""")]
    [InlineData("dcql_query", """{"credentials":[{"id":"eid","format":"dc+sd-jwt","meta":{"vct_values":["https://id.example.vn/credentials/eid"]},"claims":[{"path":["password"]}]}]}""")]
    [InlineData("dcql_query", "not json")]
    public void Anything_else_is_refused(string field, string value)
    {
        Assert.Null(Parse(q =>
        {
            q[field] = value;
            // A changed response address keeps its client_id, so that only the address itself is judged.
            if (field == "response_uri") q["client_id"] = "redirect_uri:" + value;
        }));
    }

    [Fact]
    public void A_desk_on_this_computer_may_answer_over_http()
    {
        const string local = "http://127.0.0.1:8082/online/response";
        Assert.NotNull(Parse(q => { q["response_uri"] = local; q["client_id"] = "redirect_uri:" + local; }));
    }
}
