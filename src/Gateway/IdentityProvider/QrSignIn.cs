using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Pictures;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Provider;
using static Orleans.VNeID.Gateway.Problems.PageWords;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// "Đăng nhập bằng ứng dụng VNeID": the computer's sign-in page shows a QR (new for each visit, valid for
/// <see cref="Lifetime"/>, single use); the citizen's phone, signed in (the console in a phone browser, or the app through
/// the API), scans it, sees which service asks, from which device and address, and what it will receive, and approves or
/// refuses. The computer's page asks every second and goes on when approved: only the browser that showed the QR (its
/// cookie holds the second secret) completes it, once. The account then opens a session for the computer while the
/// phone's session is open and the account not locked.
/// </summary>
public static class QrSignIn
{
    public const string CookieName = "vneid.qr";
    public const string PhonePath = "/account/qr";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public static IEndpointRouteBuilder MapQrSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin/qr", StartAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        app.MapGet("/signin/qr/status", StatusAsync).ExcludeFromDescription();
        app.MapPost("/signin/qr/complete", CompleteAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        return app;
    }

    /// <summary>The QR page for a sign-in that returns to <paramref name="returnUrl"/>.</summary>
    public static string PathFor(HttpContext http, string returnUrl) =>
        $"/signin/qr?returnUrl={Uri.EscapeDataString(returnUrl)}{(WebPage.English(http) ? "&lang=en" : "")}";

    /// <summary>A secret of the QR (what the phone presents), split into the QR's id and its secret; null when malformed.</summary>
    public static (string Id, byte[] Secret)? ParseCode(string? code)
    {
        if (code is not { Length: > 0 and <= 100 } || code.Split('.') is not [var id, var secret] || id.Length != 22 || secret.Length != 43) return null;
        try
        {
            Base64Url.DecodeFromChars(id);
            return (id, Base64Url.DecodeFromChars(secret));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<IResult> StartAsync(HttpContext http, IClusterClient cluster, IOpenIddictApplicationManager applications,
        IOptions<OidcOptions> oidc, TimeProvider clock, string? returnUrl, string? failed)
    {
        var back = ProviderSignIn.LocalReturn(returnUrl);
        var (service, linesVi, linesEn) = await DescribeAsync(back, applications);
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var scan = RandomNumberGenerator.GetBytes(32);
        var browser = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow();
        var expires = now + Lifetime;
        await cluster.GetGrain<IQrSignInGrain>(id).StartAsync(new QrSignInRequest(scan, browser, expires, service, linesVi,
            Sessions.DeviceName.From(http), http.Connection.RemoteIpAddress?.ToString(), now, linesEn));
        http.Response.Cookies.Append(CookieName, $"{id}.{Base64Url.EncodeToString(browser)}", new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/signin/qr", Secure = http.Request.IsHttps, Expires = expires,
        });
        var link = new Uri(oidc.Value.IssuerUri, $"{PhonePath.TrimStart('/')}?c={id}.{Base64Url.EncodeToString(scan)}").AbsoluteUri;
        // Medium error correction: a phone camera reads it off a screen at a glance.
        var png = QrPictures.Png(link, QRCoder.QRCodeGenerator.ECCLevel.M)!;
        return WebPage.Render<QrSignInPage>(http, new Dictionary<string, object?>
        {
            ["ReturnUrl"] = back, ["Image"] = "data:image/png;base64," + Convert.ToBase64String(png), ["Link"] = link,
            ["Seconds"] = (int)Lifetime.TotalSeconds, ["Service"] = service,
            ["Error"] = failed is null ? null : T(http, "Lần đăng nhập trước không hoàn tất: mã QR đã hết hạn, đã được dùng, bị từ chối, hoặc phiên trên điện thoại đã kết thúc. Hãy quét mã mới.",
                "The last sign-in did not complete: the QR expired, was used or refused, or the phone's session ended. Scan the new code."),
        });
    }

    private static async Task<IResult> StatusAsync(HttpContext http, IClusterClient cluster)
    {
        http.Response.Headers.CacheControl = "no-store";
        var status = Cookie(http) is { } cookie ? await cluster.GetGrain<IQrSignInGrain>(cookie.Id).StatusAsync(cookie.Secret) : QrSignInStatus.Expired;
        return Results.Json(new { status = status.ToString().ToLowerInvariant() });
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery, IOpenIddictApplicationManager applications)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        var back = ProviderSignIn.LocalReturn(form["returnUrl"].FirstOrDefault());
        var cookie = Cookie(http);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/signin/qr" });
        var approval = cookie is null ? null : await cluster.GetGrain<IQrSignInGrain>(cookie.Value.Id).CompleteAsync(cookie.Value.Secret);
        var (service, _, _) = await DescribeAsync(back, applications);
        var proof = approval is null ? null
            : (await cluster.Account(approval.AccountId).OpenApprovedSessionAsync(approval.ApprovingSessionId, Sessions.DeviceName.From(http), service)).Value;
        // A new QR, saying why the last one did not sign in.
        if (proof is null) return Results.Redirect(PathFor(http, back) + "&failed=1");
        await ProviderSignIn.SignInCookieAsync(http, proof.Grant.IdNumber, proof.Grant.SessionId, proof.Methods);
        return Results.Redirect(back);
    }

    /// <summary>The browser's cookie: the QR's id and the browser's secret, in the same form as the phone's code.</summary>
    private static (string Id, byte[] Secret)? Cookie(HttpContext http) => ParseCode(http.Request.Cookies[CookieName]);

    /// <summary>Which service asks (its registered name) and what it will receive, read from the authorization request the sign-in returns to.</summary>
    private static async Task<(string Service, List<string> Vietnamese, List<string> English)> DescribeAsync(string returnUrl, IOpenIddictApplicationManager applications)
    {
        var query = QueryHelpers.ParseQuery(returnUrl.Contains('?') ? returnUrl[returnUrl.IndexOf('?')..] : "");
        var request = new OpenIddictRequest(query.Select(p => new KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>(p.Key, p.Value)));
        if (request.ClientId is not { Length: > 0 and <= 200 } clientId || await applications.FindByClientIdAsync(clientId) is not { } application)
            return ("VNeID", [], []);
        var client = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(client, application);
        var release = ProviderClaims.For(request, client);
        return (client.DisplayName ?? clientId, ProviderClaims.ConsentLines(false, release), ProviderClaims.ConsentLines(true, release));
    }
}
