using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Credentials;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.AccountConsole;
using static Orleans.VNeID.Gateway.AccountConsole.ConsoleSignIn;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The console's answer to a verifier that asks over the network (OpenID4VP 1.0): <c>/account/wallet/present</c> shows
/// who asks for which claims of the e-ID; the browser wallet signs and posts the answer to the verifier itself.
/// </summary>
public static class ConsolePresent
{
    public const string Path = "/wallet/present";

    public static IResult Present(HttpContext http, IOptions<OidcOptions> oidc)
    {
        var view = ViewOf(http)!;
        var request = PresentationRequest.Parse(http.Request.Query, CredentialIssuer.Vct(oidc.Value));
        if (request is null)
            return ProblemWriter.Result(ErrorCatalogue.ValidationFailed,
                "Not a request this wallet answers: response_type vp_token, response_mode direct_post, client_id redirect_uri: with its https response_uri, a nonce and a state, and a DCQL query for claims of the e-ID.");
        if (view.Level != AccountLevel.Level2) return ProblemWriter.Result(ErrorCatalogue.Level2Required);
        var page = WebPage.Context(http);
        return WebPage.Render<PresentPage>(http, new Dictionary<string, object?>
        {
            ["Name"] = view.FullName,
            ["Verifier"] = request.ResponseUri.Authority,
            ["Claims"] = request.Claims.Select(c => ConsoleWords.Claim(page, c)).ToList(),
            ["ClientId"] = request.ClientId, ["ResponseUri"] = request.ResponseUri.AbsoluteUri, ["Nonce"] = request.Nonce, ["State"] = request.State,
            ["QueryId"] = request.QueryId, ["Names"] = string.Join(' ', request.Claims),
        });
    }
}
