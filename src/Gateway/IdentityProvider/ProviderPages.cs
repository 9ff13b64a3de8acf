using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The provider's server-rendered pages: plain HTML forms (no script needed), Vietnamese by default with an English
/// switch (<c>?lang=en</c>), labelled fields, large targets for a phone. Every page forbids framing (clickjacking) and
/// every form carries an antiforgery token (CSRF).
/// </summary>
public static class ProviderPages
{
    public static bool English(HttpContext http) =>
        http.Request.Query["lang"] == "en" || (http.Request.HasFormContentType && http.Request.Form["lang"] == "en");

    public static string T(HttpContext http, string vietnamese, string english) => English(http) ? english : vietnamese;

    // Vietnamese letters stay letters (the default encoder would write them as numeric references); markup is escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(string? text) => Encoder.Encode(text ?? "");

    /// <summary>A form that posts back to <paramref name="action"/> with the antiforgery token and the given hidden fields.</summary>
    public static string Form(HttpContext http, string action, IEnumerable<KeyValuePair<string, string?>> hidden, string inner)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var html = new StringBuilder($"<form method=\"post\" action=\"{E(action)}\">");
        html.Append($"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">");
        if (English(http)) html.Append("<input type=\"hidden\" name=\"lang\" value=\"en\">");
        foreach (var (name, value) in hidden)
            html.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        return html.Append(inner).Append("</form>").ToString();
    }

    public static IResult Html(HttpContext http, string title, string body, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var lang = English(http) ? "en" : "vi";
        var other = English(http) ? "Tiếng Việt" : "English";
        var query = System.Web.HttpUtility.ParseQueryString(http.Request.QueryString.Value ?? "");
        if (English(http)) query.Remove("lang"); else query["lang"] = "en";
        var switchUrl = $"{http.Request.Path}{(query.Count > 0 ? "?" + query : "")}";
        return Results.Content($$"""
            <!doctype html>
            <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} · VNeID</title>
            <style>
              body{font:18px/1.5 system-ui,sans-serif;margin:0;background:#f4f4f4;color:#111}
              main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:8px;border:1px solid #ccc}
              h1{font-size:1.4rem;color:#8b0000} label{display:block;margin-top:1rem;font-weight:600}
              input[type=text],input[type=password]{width:100%;box-sizing:border-box;font-size:1.1rem;padding:.6rem;border:2px solid #555;border-radius:4px}
              button{margin-top:1.2rem;font-size:1.1rem;padding:.7rem 1.2rem;border:0;border-radius:4px;background:#8b0000;color:#fff;min-width:8rem}
              button.secondary{background:#fff;color:#111;border:2px solid #555}
              :focus{outline:3px solid #0050b3;outline-offset:2px} .error{color:#8b0000;font-weight:600} nav{text-align:right;font-size:.9rem}
            </style></head>
            <body><main><nav><a href="{{E(switchUrl)}}">{{other}}</a></nav><h1>{{E(title)}}</h1>{{body}}</main></body></html>
            """, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
