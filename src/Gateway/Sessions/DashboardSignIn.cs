using Microsoft.Extensions.Options;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// The operators' browser sign-in to <c>/dashboard</c> (the page: <see cref="OperatorSignInPage"/>). A right secret of an
/// operator's service account sets the dashboard cookie with an operator token of <c>Dashboard:SignInMinutes</c> (30);
/// an officer's is refused (the dashboard is for operators). Left out of the API's description.
/// </summary>
public static class DashboardSignIn
{
    public static IEndpointRouteBuilder MapDashboardSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(OperatorSignInPage.Path + "/sign-in", (HttpContext http) => OperatorSignInPage.WriteAsync(http, StatusCodes.Status200OK, null))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost(OperatorSignInPage.Path + "/sign-in", SignInAsync)
            .RequireRateLimiting(RateLimits.PerAddress).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(OperatorSignInPage.Path + "/sign-out", SignOutAsync)
            .RequireAuthorization(Policies.Operator).ExcludeFromDescription();
        return app;
    }

    private static async Task SignInAsync(HttpContext http, IOptions<Dictionary<string, ServiceAccount>> accounts, TokenIssuer issuer,
        IClusterClient cluster, IConfiguration configuration)
    {
        if (!http.Request.HasFormContentType)
        {
            await OperatorSignInPage.WriteAsync(http, StatusCodes.Status400BadRequest, "Send the form.");
            return;
        }
        if (!await http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(http))
        {
            await OperatorSignInPage.WriteAsync(http, StatusCodes.Status400BadRequest, "The form expired or came from another site: sign in again.");
            return;
        }
        var form = await http.Request.ReadFormAsync();
        var clientId = form["clientId"].ToString().Trim();
        var secret = form["clientSecret"].ToString();
        var code = form["code"].ToString().Trim();
        if (clientId.Length is 0 or > 100 || secret.Length is 0 or > 200)
        {
            await OperatorSignInPage.WriteAsync(http, StatusCodes.Status400BadRequest, "Enter the client id and the secret.");
            return;
        }
        var (account, refusal) = await ServiceAccountLogIn.VerifyAsync(clientId, secret, code, accounts.Value, cluster, http);
        if (account is null)
        {
            var status = refusal!.StatusCode;
            await OperatorSignInPage.WriteAsync(http, status, status == StatusCodes.Status429TooManyRequests
                ? "Too many failed sign-ins for this client id from here: sign-in is refused for a while."
                : "The client id, the secret or the code is wrong.");
            return;
        }
        if (account.Role != Roles.Operator)
        {
            await OperatorSignInPage.WriteAsync(http, StatusCodes.Status403Forbidden, "The dashboard is for operators.");
            return;
        }
        var lifetime = configuration.GetValue("Dashboard:SignInMinutes", 30);
        var token = ServiceAccountLogIn.Token(issuer, clientId, account, TimeSpan.FromMinutes(lifetime));
        http.Response.Cookies.Append(OperatorSignInPage.CookieName, token.Token, new CookieOptions
        {
            Path = OperatorSignInPage.Path,
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Expires = token.ExpiresAt,
        });
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Redirect(OperatorSignInPage.Path + "/", permanent: false);
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    /// <summary>Revokes the dashboard token (like a staff logout) and removes the cookie.</summary>
    private static async Task SignOutAsync(HttpContext http, IClusterClient cluster)
    {
        var user = http.User;
        var expires = long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(1);
        await cluster.GetGrain<IStaffAccessGrain>(0).RevokeTokenAsync(user.Identity!.Name!, user.FindFirst("jti")?.Value ?? "", expires);
        http.Response.Cookies.Delete(OperatorSignInPage.CookieName, new CookieOptions { Path = OperatorSignInPage.Path });
        http.Response.Redirect(OperatorSignInPage.Path + "/sign-in", permanent: false);
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }
}
