using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Staff;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// The operators' browser sign-in to the Orleans dashboard: a form for the service account's client id and secret, and
/// the cookie that then carries an operator token to <c>/dashboard</c> only (HttpOnly, SameSite=Strict, Secure over
/// HTTPS). The token inside is an ordinary staff token: checked and revocable like any other.
/// </summary>
public static class OperatorSignInPage
{
    public const string CookieName = "vneid-dashboard";
    public const string Path = "/dashboard";

    /// <summary>A browser asking for a dashboard page (not a script reading its API) is shown the form.</summary>
    public static bool Wanted(HttpContext http) =>
        http.Request.Path.StartsWithSegments(Path) && http.Request.Method == HttpMethods.Get &&
        http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The dashboard's token from its cookie, for a dashboard request that carries no Authorization header.</summary>
    public static string? TokenFrom(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && !request.Headers.ContainsKey("Authorization") &&
        request.Cookies.TryGetValue(CookieName, out var token) && token.Length > 0 ? token : null;

    /// <summary>The sign-in page (the web area's <c>Staff/DashboardSignInPage</c>), with <paramref name="message"/> as its error.</summary>
    public static Task WriteAsync(HttpContext http, int status, string? message) =>
        WebPage.Render<DashboardSignInPage>(http, new Dictionary<string, object?> { ["Action"] = Path + "/sign-in", ["Error"] = message }, status)
            .ExecuteAsync(http);
}
