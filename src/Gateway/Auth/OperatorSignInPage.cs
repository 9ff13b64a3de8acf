using System.Text.Encodings.Web;

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

    public static async Task WriteAsync(HttpContext http, int status, string? message)
    {
        // The form's antiforgery token (a sign-in posted from another site is refused).
        var antiforgery = http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().GetAndStoreTokens(http);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var notice = message is null ? "" : $"<p role=\"alert\" class=\"error\">{HtmlEncoder.Default.Encode(message)}</p>";
        await http.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="vi">
            <head><meta charset="utf-8"><title>VNeID — đăng nhập bảng điều khiển cụm</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
            input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#b00020}</style></head>
            <body>
            <h1>Bảng điều khiển cụm VNeID</h1>
            <p>Cluster dashboard: operators only. Sign in with your operator service account.</p>
            {{notice}}
            <form method="post" action="{{Path}}/sign-in">
              <input type="hidden" name="{{antiforgery.FormFieldName}}" value="{{HtmlEncoder.Default.Encode(antiforgery.RequestToken ?? "")}}">
              <label for="clientId">Mã tài khoản dịch vụ (client id)</label>
              <input id="clientId" name="clientId" autocomplete="username" required maxlength="100">
              <label for="clientSecret">Mật khẩu (secret)</label>
              <input id="clientSecret" name="clientSecret" type="password" autocomplete="current-password" required maxlength="200">
              <label for="code">Mã xác thực 6 số (authenticator app)</label>
              <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength="6">
              <button type="submit">Đăng nhập / Sign in</button>
            </form>
            </body></html>
            """);
    }
}
