using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderClaims;
using static Orleans.VNeID.Gateway.Problems.PageWords;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Provider;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Signing in at the provider: the ID number and password through the account grain (every account rule applies:
/// lockouts, step-up, locked accounts, the same answer for an unknown ID), then, when the relying party needs level 2
/// or the account's risk rule advises it, a one-time code sent to the phone on record. The provider's cookie lasts only
/// while the account session it opened does.
/// </summary>
public static class ProviderSignIn
{
    public const string CookieScheme = "vneid-provider";
    /// <summary>The account's risk rule advised a code at this sign-in (wrong passwords since the last one).</summary>
    public const string CodeAdvisedClaim = "vneid_code_advised";

    public static IServiceCollection AddProviderSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "vneid.provider";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request was https, at the gateway or at the trusted proxy in front of it (ForwardedHeaders).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/signin";
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = null;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapProviderSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (HttpContext http, string? returnUrl) => PasswordPage(http, returnUrl, null, null)).ExcludeFromDescription();
        // The API's budgets apply: per client address (the limiter's policy) and per account (in the handlers).
        app.MapPost("/signin", SignInAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        app.MapGet("/signin/code", (HttpContext http, string? returnUrl, int? wait) => CodePage(http, returnUrl, wait is > 0
            ? T(http, $"Chưa gửi được mã mới; bấm “Gửi lại mã” sau {wait} giây.", $"No new code could be sent yet; press “Send a new code” in {wait} seconds.")
            : null)).ExcludeFromDescription();
        app.MapPost("/signin/code", ConfirmCodeAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        return app;
    }

    /// <summary>Whether the sign-in proved the phone on record with a code.</summary>
    public static bool HasCode(ClaimsPrincipal citizen) => citizen.FindAll(Claims.AuthenticationMethodReference).Any(c => c.Value == "otp");

    /// <summary>Sends the sign-in code for the citizen's session and sends the browser to the page that asks for it.</summary>
    public static async Task<IResult> AskForCodeAsync(HttpContext http, ICitizenAccountGrain account, string sessionId, string returnUrl)
    {
        // A refusal (cooldown, hourly limit, code lockout) is shown on the code page: the citizen asks again after the wait.
        var sent = await account.RequestSignInCodeAsync(sessionId);
        var lang = WebPage.English(http) ? "&lang=en" : "";
        var wait = sent.Error?.RetryAfterSeconds is { } seconds ? $"&wait={seconds}" : "";
        return Results.Redirect($"/signin/code?returnUrl={Uri.EscapeDataString(returnUrl)}{wait}{lang}");
    }

    private static IResult PasswordPage(HttpContext http, string? returnUrl, string? error, string? idNumber, bool stepUp = false) =>
        WebPage.Render<SignInPage>(http, new Dictionary<string, object?>
        {
            ["ReturnUrl"] = LocalReturn(returnUrl), ["Error"] = error, ["IdNumber"] = idNumber, ["StepUp"] = stepUp,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static async Task<IResult> SignInAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        string? Field(string name) => form[name].FirstOrDefault();
        var returnUrl = LocalReturn(Field("returnUrl"));
        var idNumber = Field("idNumber")?.Trim();
        var password = Field("password") ?? "";
        var stepUpCode = string.IsNullOrWhiteSpace(Field("stepUpCode")) ? null : Field("stepUpCode")!.Trim();
        string Wrong() => T(http, "Số định danh hoặc mật khẩu không đúng.", "The ID number or the password is wrong.");
        if (!IdentityNumber.TryParse(idNumber, out _, out _) || password.Length is 0 or > 128 ||
            !StorableText.IsStorable(password) || (stepUpCode is not null && !Regex.IsMatch(stepUpCode, OneTimeCode.Pattern)))
            return PasswordPage(http, returnUrl, Wrong(), StorableText.IsStorable(idNumber) ? idNumber : null);

        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber!) is { } budgetWait)
            return PasswordPage(http, returnUrl, T(http,
                $"Tạm thời không thể đăng nhập; thử lại sau {budgetWait} giây.", $"Sign-in is refused for a while; try again in {budgetWait} seconds."), idNumber);
        var result = await cluster.Account(idNumber!).LogInAsync(password, stepUpCode, Sessions.DeviceName.From(http));
        if (result.Value is not { } grant)
        {
            // The same messages as the API's codes: nothing here tells an unknown ID from an account.
            var code = result.Error!.Code;
            if (code == ErrorCatalogue.StepUpRequired.Code)
            {
                await cluster.Account(idNumber!).RequestStepUpCodeAsync(password);
                return PasswordPage(http, returnUrl, T(http,
                    "Đăng nhập sai nhiều lần: nếu tài khoản tồn tại, mã xác thực đã được gửi đến số điện thoại đăng ký; nhập mật khẩu và mã.",
                    "Too many failed sign-ins: if the account exists, a code has been sent to the registered phone; enter the password and the code."),
                    idNumber, stepUp: true);
            }
            if (result.Error.RetryAfterSeconds is { } wait)
                return PasswordPage(http, returnUrl, T(http,
                    $"Tạm thời không thể đăng nhập; thử lại sau {wait} giây.", $"Sign-in is refused for a while; try again in {wait} seconds."), idNumber);
            return PasswordPage(http, returnUrl, Wrong(), idNumber, stepUp: stepUpCode is not null);
        }

        var identity = new ClaimsIdentity(CookieScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, grant.IdNumber));
        identity.AddClaim(new Claim(SessionClaim, grant.SessionId));
        identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, "pwd"));
        if (stepUpCode is not null) identity.AddClaims([new Claim(Claims.AuthenticationMethodReference, "otp"), new Claim(Claims.AuthenticationMethodReference, "mfa")]);
        if (grant.CodeAdvised) identity.AddClaim(new Claim(CodeAdvisedClaim, "true"));
        identity.AddClaim(new Claim(Claims.AuthenticationTime, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static IResult CodePage(HttpContext http, string? returnUrl, string? error) =>
        WebPage.Render<CodePage>(http, new Dictionary<string, object?> { ["ReturnUrl"] = LocalReturn(returnUrl), ["Error"] = error },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static async Task<IResult> ConfirmCodeAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalReturn(form["returnUrl"].FirstOrDefault());
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        if (signedIn.Principal?.FindFirst(Claims.Subject)?.Value is not { } idNumber || signedIn.Principal.FindFirst(SessionClaim)?.Value is not { } sessionId)
            return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var account = cluster.Account(idNumber);
        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber) is { } spent)
            return CodePage(http, returnUrl, T(http, $"Chưa thể gửi hoặc kiểm tra mã; thử lại sau {spent} giây.", $"No code can be sent or checked now; try again in {spent} seconds."));

        if (form["action"] == "resend")
        {
            var sent = await account.RequestSignInCodeAsync(sessionId);
            return sent.Error is null
                ? CodePage(http, returnUrl, null)
                : await CodeRefusedAsync(http, sent.Error, returnUrl);
        }
        var code = form["code"].FirstOrDefault()?.Trim() ?? "";
        if (!OneTimeCode.IsWellFormed(code)) return CodePage(http, returnUrl, T(http, "Mã xác thực gồm 6 chữ số.", "The code has 6 digits."));
        var confirmed = await account.ConfirmSignInCodeAsync(sessionId, code);
        if (confirmed.Error is { } refusal) return await CodeRefusedAsync(http, refusal, returnUrl);

        var identity = new ClaimsIdentity(signedIn.Principal!.Claims.Where(c => c.Type != CodeAdvisedClaim), CookieScheme, Claims.Subject, Claims.Role);
        identity.AddClaims([new Claim(Claims.AuthenticationMethodReference, "otp"), new Claim(Claims.AuthenticationMethodReference, "mfa")]);
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> CodeRefusedAsync(HttpContext http, Refusal refusal, string returnUrl)
    {
        if (refusal.Code == ErrorCatalogue.TokenRevoked.Code)
        {
            // The account session ended (lock, password change, logout): sign in again.
            await http.SignOutAsync(CookieScheme);
            return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        return CodePage(http, returnUrl, refusal.RetryAfterSeconds is { } wait
            ? T(http, $"Chưa thể gửi hoặc kiểm tra mã; thử lại sau {wait} giây.", $"No code can be sent or checked now; try again in {wait} seconds.")
            : T(http, "Mã xác thực không đúng hoặc đã hết hạn.", "The code is wrong or has expired."));
    }

    /// <summary>Only the provider's own authorization endpoint is a place to return to after signing in.</summary>
    public static string LocalReturn(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) &&
        !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
