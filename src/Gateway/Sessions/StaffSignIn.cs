using Orleans.VNeID.ServiceDefaults;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Staff;
using Orleans.VNeID.Web;

namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// The staff's browser sign-in (the page: <see cref="StaffSignInPage"/>), one handler for the operators' dashboard and
/// the officers' reception desk. A right secret and code of a service account sets that area's cookie with a staff token
/// of <c>Dashboard:SignInMinutes</c> (30); the dashboard takes operators only, the desk officers only (an officer works
/// at an office). Left out of the API's description.
/// </summary>
public static class StaffSignIn
{
    public static IEndpointRouteBuilder MapStaffSignIn(this IEndpointRouteBuilder app, StaffArea area)
    {
        app.MapGet(area.Path + "/sign-in", (HttpContext http) => StaffSignInPage.Render(http, area, StatusCodes.Status200OK, null))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost(area.Path + "/sign-in", (HttpContext http, IOptions<Dictionary<string, ServiceAccount>> accounts, TokenIssuer issuer,
                IClusterClient cluster, IConfiguration configuration) => SignInAsync(http, area, accounts, issuer, cluster, configuration))
            .RequireRateLimiting(RateLimits.PerAddress).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(area.Path + "/sign-out", (HttpContext http, IClusterClient cluster) => SignOutAsync(http, area, cluster))
            .RequireAuthorization(area.Desk ? Policies.Officer : Policies.Operator).AddEndpointFilter(WebForms.RequireOwnForm).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, StaffArea area, IOptions<Dictionary<string, ServiceAccount>> accounts,
        TokenIssuer issuer, IClusterClient cluster, IConfiguration configuration)
    {
        IResult Refuse(int status, string vietnamese, string english) =>
            StaffSignInPage.Render(http, area, status, Problems.PageWords.T(http, vietnamese, english));
        if (!http.Request.HasFormContentType) return Refuse(StatusCodes.Status400BadRequest, "Hãy gửi biểu mẫu.", "Send the form.");
        if (!await http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(http))
            return Refuse(StatusCodes.Status400BadRequest, "Biểu mẫu đã hết hạn hoặc đến từ trang khác: hãy đăng nhập lại.",
                "The form expired or came from another site: sign in again.");
        var form = await http.Request.ReadFormAsync();
        var clientId = form["clientId"].ToString().Trim();
        var secret = form["clientSecret"].ToString();
        var code = form["code"].ToString().Trim();
        if (clientId.Length is 0 or > 100 || secret.Length is 0 or > 200)
            return Refuse(StatusCodes.Status400BadRequest, "Nhập mã tài khoản dịch vụ và mật khẩu.", "Enter the client id and the secret.");
        var (account, refusal) = await ServiceAccountLogIn.VerifyAsync(clientId, secret, code, accounts.Value, cluster, http);
        if (account is null)
            return refusal!.StatusCode == StatusCodes.Status429TooManyRequests
                ? Refuse(StatusCodes.Status429TooManyRequests, "Đăng nhập sai quá nhiều lần với mã này từ đây: tạm thời không nhận đăng nhập.",
                    "Too many failed sign-ins for this client id from here: sign-in is refused for a while.")
                : Refuse(refusal.StatusCode, "Mã tài khoản, mật khẩu hoặc mã xác thực không đúng.",
                    "The client id, the secret or the code is wrong.");
        if (area.Desk ? account.Role != Roles.Officer || account.Office is not { Length: > 0 } : account.Role != Roles.Operator)
            return area.Desk
                ? Refuse(StatusCodes.Status403Forbidden, "Bàn tiếp nhận dành cho cán bộ tại cơ quan.", "The desk is for officers at an office.")
                : Refuse(StatusCodes.Status403Forbidden, "Bảng điều khiển chỉ dành cho cán bộ vận hành.", "The dashboard is for operators.");
        var lifetime = configuration.Read<DashboardSettings>().SignInMinutes;
        var token = ServiceAccountLogIn.Token(issuer, clientId, account, TimeSpan.FromMinutes(lifetime));
        http.Response.Cookies.Append(area.CookieName, token.Token, new CookieOptions
        {
            Path = area.Path,
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Expires = token.ExpiresAt,
        });
        http.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(area.Path + "/" + (WebPage.English(http) && area.Desk ? "?lang=en" : ""));
    }

    /// <summary>Revokes the area's token (like a staff logout) and removes the cookie.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, StaffArea area, IClusterClient cluster)
    {
        var user = http.User;
        var expires = long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(1);
        await cluster.GetGrain<IStaffAccessGrain>(0).RevokeTokenAsync(user.Identity!.Name!, user.FindFirst("jti")?.Value ?? "", expires);
        http.Response.Cookies.Delete(area.CookieName, new CookieOptions { Path = area.Path });
        return Results.Redirect(area.Path + "/sign-in");
    }
}
