using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.VNeID.Web;

/// <summary>
/// What every page of the web area knows of its request: the language (Vietnamese by default, English with
/// <c>lang=en</c>), the nonce its own style and scripts carry (the Content-Security-Policy allows nothing else), the
/// antiforgery token its forms post back, and the address of the same page in the other language.
/// </summary>
public sealed record PageContext(bool English, string Nonce, string AntiforgeryField, string AntiforgeryToken, string OtherLanguageUrl)
{
    /// <summary>The Vietnamese text, or the English one on an English page.</summary>
    public string T(string vietnamese, string english) => English ? english : vietnamese;

    public string Lang => English ? "en" : "vi";
}

/// <summary>Renders the web area's pages with the headers every page carries.</summary>
public static class WebPage
{
    /// <summary>The web area's services: Razor components rendered on the server, text encoded without escaping Vietnamese letters.</summary>
    public static IServiceCollection AddWebArea(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    /// <summary>Whether the request asks for English (<c>lang=en</c> in the query or the posted form, or <c>ui_locales</c> starting with English).</summary>
    public static bool English(HttpContext http) =>
        http.Request.Query["lang"] == "en" || (http.Request.HasFormContentType && http.Request.Form["lang"] == "en") ||
        // OpenID Connect's ui_locales, on the provider's authorization request: the first language it names.
        (http.Request.Query["ui_locales"].ToString() is { Length: > 0 } locales && locales.Split(' ')[0].StartsWith("en", StringComparison.OrdinalIgnoreCase));

    /// <summary>The page context of this request (a new nonce, the antiforgery token stored in its cookie).</summary>
    public static PageContext Context(HttpContext http)
    {
        if (http.Items[typeof(PageContext)] is PageContext existing) return existing;
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var english = English(http);
        var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value).ToDictionary(p => p.Key, p => p.Value.ToString());
        if (english) query.Remove("lang");
        else query["lang"] = "en";
        var other = QueryHelpers.AddQueryString(http.Request.Path, query.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        var context = new PageContext(english, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), tokens.FormFieldName,
            tokens.RequestToken ?? "", other);
        http.Items[typeof(PageContext)] = context;
        return context;
    }

    /// <summary>
    /// Renders <typeparamref name="TPage"/> with <paramref name="parameters"/> (and its <see cref="PageContext"/>), with the
    /// headers of every page: a nonce-based Content-Security-Policy, no framing, no caching, no referrer.
    /// </summary>
    public static IResult Render<TPage>(HttpContext http, IDictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var page = Context(http);
        // form-action: a posted form is answered by a redirect to the relying party (after consent), which browsers check too.
        http.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{page.Nonce}'; script-src 'nonce-{page.Nonce}'; img-src 'self' data:; connect-src 'self'; " +
            "form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'";
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        parameters["Page"] = page;
        return new RazorComponentResult<TPage>(parameters.AsReadOnly()) { StatusCode = status, ContentType = "text/html; charset=utf-8" };
    }
}

/// <summary>The web area's endpoint rules.</summary>
public static class WebForms
{
    /// <summary>
    /// An endpoint filter: a POST is taken only as a form of the area's own, with its antiforgery token; anything else gets
    /// the area's page for a form that cannot be taken (400), never a bare error.
    /// </summary>
    public static async ValueTask<object?> RequireOwnForm(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method) &&
            (!http.Request.HasFormContentType || !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http)))
            return FormNotTaken(http);
        return await next(context);
    }

    /// <summary>The page for a form that cannot be taken (expired, or not from the area's own page): go back and send it again.</summary>
    public static IResult FormNotTaken(HttpContext http) =>
        WebPage.Render<Layout.FormNotTakenPage>(http, new Dictionary<string, object?>(), StatusCodes.Status400BadRequest);
}

/// <summary>An error of a posted form: the field it is about (its input's id), or none for the whole form.</summary>
public sealed record FieldError(string? Field, string Message);
