using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Staff;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>Where a staff member signs in from a browser: the operators' cluster dashboard, or the officer's reception desk.</summary>
public sealed record StaffArea(string Path, string CookieName, bool Desk);

/// <summary>
/// The staff's browser sign-in, one page for the operators' Orleans dashboard and the officers' reception desk: a form
/// for the service account's client id, secret and code, and the cookie that then carries an ordinary staff token
/// (checked and revocable like any other) to that area only (HttpOnly, SameSite=Strict, Secure over HTTPS).
/// </summary>
public static class StaffSignInPage
{
    public static readonly StaffArea Dashboard = new("/dashboard", "vneid-dashboard", Desk: false);
    public static readonly StaffArea Desk = new("/desk", "vneid-desk", Desk: true);
    public static readonly IReadOnlyList<StaffArea> Areas = [Dashboard, Desk];

    /// <summary>The staff area a request is for, if any.</summary>
    public static StaffArea? AreaOf(HttpRequest request) => Areas.FirstOrDefault(a => request.Path.StartsWithSegments(a.Path));

    /// <summary>A browser asking for a page of a staff area (not a script reading its API) is shown the form.</summary>
    public static bool Wanted(HttpContext http) =>
        AreaOf(http.Request) is not null && http.Request.Method == HttpMethods.Get &&
        http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The area's token from its cookie, for a request to that area that carries no Authorization header.</summary>
    public static string? TokenFrom(HttpRequest request) =>
        AreaOf(request) is { } area && !request.Headers.ContainsKey("Authorization") &&
        request.Cookies.TryGetValue(area.CookieName, out var token) && token.Length > 0 ? token : null;

    /// <summary>The sign-in page of the request's area (the web area's <c>Staff/StaffSignInPage</c>), with <paramref name="message"/> as its error.</summary>
    public static Task WriteAsync(HttpContext http, int status, string? message) => Render(http, AreaOf(http.Request) ?? Dashboard, status, message).ExecuteAsync(http);

    public static IResult Render(HttpContext http, StaffArea area, int status, string? message) =>
        WebPage.Render<Orleans.VNeID.Web.Staff.StaffSignInPage>(http, new Dictionary<string, object?>
        {
            ["Action"] = area.Path + "/sign-in", ["Error"] = message, ["Desk"] = area.Desk,
        }, status);
}
