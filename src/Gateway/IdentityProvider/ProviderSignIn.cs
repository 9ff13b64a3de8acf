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
        app.MapGet("/signin/code", (HttpContext http, string? returnUrl, int? wait, string? sent) => CodePageAsync(http, returnUrl, wait is > 0
            ? T(http, $"Chưa gửi được mã mới; bấm “Gửi lại mã” sau {wait} giây.", $"No new code could be sent yet; press “Send a new code” in {wait} seconds.")
            : null, codeSent: sent != "no")).ExcludeFromDescription();
        app.MapPost("/signin/code", ConfirmCodeAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        app.MapPost("/signin/passkey", SignInWithPasskeyAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        app.MapPost("/signin/code/passkey", ConfirmWithPasskeyAsync).RequireRateLimiting(RateLimits.PerAddress).ExcludeFromDescription();
        app.MapQrSignIn();
        return app;
    }

    /// <summary>The authentication methods (RFC 8176) a sign-in here may carry in <c>amr</c>.</summary>
    public static readonly string[] MethodsSupported = ["pwd", "otp", "hwk", "swk", "mca", "mfa"];

    /// <summary>Whether the sign-in proved two factors: the password and a code to the phone on record, or a passkey with user verification.</summary>
    public static bool HasSecondFactor(ClaimsPrincipal citizen) => citizen.FindAll(Claims.AuthenticationMethodReference).Any(c => c.Value == "mfa");

    /// <summary>
    /// Signs the browser in at the provider for an account session: whose, which session, how (<c>amr</c>) and when. The
    /// cookie lasts only while that session does.
    /// </summary>
    public static async Task SignInCookieAsync(HttpContext http, string idNumber, string sessionId, IEnumerable<string> methods, bool codeAdvised = false)
    {
        var identity = new ClaimsIdentity(CookieScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, idNumber));
        identity.AddClaim(new Claim(SessionClaim, sessionId));
        identity.AddClaims(methods.Distinct().Select(m => new Claim(Claims.AuthenticationMethodReference, m)));
        if (codeAdvised) identity.AddClaim(new Claim(CodeAdvisedClaim, "true"));
        identity.AddClaim(new Claim(Claims.AuthenticationTime, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The provider's cookie with more methods proved on the same session (a code, a passkey): the risk rule's advice is met.</summary>
    public static async Task AddMethodsAsync(HttpContext http, ClaimsPrincipal signedIn, IEnumerable<string> methods)
    {
        var identity = new ClaimsIdentity(signedIn.Claims.Where(c => c.Type != CodeAdvisedClaim), CookieScheme, Claims.Subject, Claims.Role);
        var have = identity.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value).ToHashSet();
        identity.AddClaims(methods.Where(have.Add).Select(m => new Claim(Claims.AuthenticationMethodReference, m)));
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Sends the sign-in code for the citizen's session and sends the browser to the page that asks for it.</summary>
    public static async Task<IResult> AskForCodeAsync(HttpContext http, ICitizenAccountGrain account, string sessionId, string returnUrl)
    {
        var lang = WebPage.English(http) ? "&lang=en" : "";
        // An account with passkeys chooses first: no SMS is sent (or paid for) unless the citizen asks for one.
        if (http.RequestServices.GetRequiredService<Passkeys.PasskeyCeremonies>().Party is not null && (await account.PasskeyIdsAsync(sessionId)).Count > 0)
            return Results.Redirect($"/signin/code?returnUrl={Uri.EscapeDataString(returnUrl)}&sent=no{lang}");
        // A refusal (cooldown, hourly limit, code lockout) is shown on the code page: the citizen asks again after the wait.
        var sent = await account.RequestSignInCodeAsync(sessionId);
        var wait = sent.Error?.RetryAfterSeconds is { } seconds ? $"&wait={seconds}" : "";
        return Results.Redirect($"/signin/code?returnUrl={Uri.EscapeDataString(returnUrl)}{wait}{lang}");
    }

    private static IResult PasswordPage(HttpContext http, string? returnUrl, string? error, string? idNumber, bool stepUp = false)
    {
        var ceremonies = http.RequestServices.GetRequiredService<Passkeys.PasskeyCeremonies>();
        return WebPage.Render<SignInPage>(http, new Dictionary<string, object?>
        {
            ["ReturnUrl"] = LocalReturn(returnUrl), ["Error"] = error, ["IdNumber"] = idNumber, ["StepUp"] = stepUp,
            ["PasskeyOptions"] = ceremonies.Party is null ? null : ceremonies.RequestOptions(ceremonies.Issue(Passkeys.PasskeyPurpose.SignIn, ""), []),
            ["QrPath"] = QrSignIn.PathFor(http, LocalReturn(returnUrl)),
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

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
        var result = await cluster.Account(await cluster.AccountKeyAsync(idNumber!)).LogInAsync(password, stepUpCode, Sessions.DeviceName.From(http));
        if (result.Value is not { } grant)
        {
            // The same messages as the API's codes: nothing here tells an unknown ID from an account.
            var code = result.Error!.Code;
            if (code == ErrorCatalogue.StepUpRequired.Code)
            {
                await cluster.Account(await cluster.AccountKeyAsync(idNumber!)).RequestStepUpCodeAsync(password);
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

        await SignInCookieAsync(http, grant.IdNumber, grant.SessionId, stepUpCode is null ? ["pwd"] : ["pwd", "otp", "mfa"], grant.CodeAdvised);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> CodePageAsync(HttpContext http, string? returnUrl, string? error, bool codeSent = true)
    {
        // The passkey way is offered when the account session of this sign-in has passkeys.
        string? options = null;
        var ceremonies = http.RequestServices.GetRequiredService<Passkeys.PasskeyCeremonies>();
        if (ceremonies.Party is not null && await PasswordStepAsync(http) is (_, var idNumber, var sessionId) &&
            await http.RequestServices.GetRequiredService<IClusterClient>().Account(idNumber).PasskeyIdsAsync(sessionId) is { Count: > 0 } ids)
            options = ceremonies.RequestOptions(ceremonies.Issue(Passkeys.PasskeyPurpose.SecondFactor, sessionId), ids);
        return WebPage.Render<CodePage>(http, new Dictionary<string, object?>
        {
            ["ReturnUrl"] = LocalReturn(returnUrl), ["Error"] = error, ["PasskeyOptions"] = options, ["CodeSent"] = codeSent || options is null,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>A passkey alone: its user handle names the account, the grain checks the assertion and opens a session.</summary>
    private static async Task<IResult> SignInWithPasskeyAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery, Passkeys.PasskeyCeremonies ceremonies)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalReturn(form["returnUrl"].FirstOrDefault());
        var refused = () => PasswordPage(http, returnUrl, T(http,
            "Không đăng nhập được bằng khoá truy cập này (khoá không thuộc tài khoản nào, đã bị xoá, hoặc yêu cầu đã hết hạn). Hãy thử lại.",
            "That passkey did not sign you in (it belongs to no account, was removed, or the request expired). Try again."), null);
        if (await ceremonies.OpenSignInAsync(form["credential"].FirstOrDefault(), cluster) is not var (account, answer, party)) return refused();
        var proof = await account.SignInWithPasskeyAsync(party, answer, Sessions.DeviceName.From(http));
        if (proof.Value is not { } signedIn) return refused();
        await SignInCookieAsync(http, signedIn.Grant.IdNumber, signedIn.Grant.SessionId, signedIn.Methods);
        return Results.Redirect(returnUrl);
    }

    /// <summary>The provider's sign-in this browser holds (its account and session), for the step after the password; null when none.</summary>
    private static async Task<(ClaimsPrincipal Principal, string IdNumber, string SessionId)?> PasswordStepAsync(HttpContext http)
    {
        var signedIn = (await http.AuthenticateAsync(CookieScheme)).Principal;
        return signedIn?.FindFirst(Claims.Subject)?.Value is { } idNumber && signedIn.FindFirst(SessionClaim)?.Value is { } sessionId
            ? (signedIn, idNumber, sessionId)
            : null;
    }

    /// <summary>A passkey as the second factor of the sign-in the password opened (instead of the SMS code).</summary>
    private static async Task<IResult> ConfirmWithPasskeyAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery, Passkeys.PasskeyCeremonies ceremonies)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalReturn(form["returnUrl"].FirstOrDefault());
        if (await PasswordStepAsync(http) is not (var signedIn, var idNumber, var sessionId)) return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var refused = T(http, "Khoá truy cập không được chấp nhận hoặc yêu cầu đã hết hạn; hãy thử lại hoặc dùng mã.",
            "The passkey was not accepted or the request expired; try again or use a code.");
        if (ceremonies.Party is not { } party ||
            await ceremonies.OpenAsync(form["credential"].FirstOrDefault(), Passkeys.PasskeyPurpose.SecondFactor, sessionId, cluster) is not { } answer)
            return await CodePageAsync(http, returnUrl, refused, codeSent: false);
        var proof = await cluster.Account(idNumber).ConfirmSessionWithPasskeyAsync(sessionId, party, answer);
        if (proof.Error is { } refusal)
            return refusal.Code == ErrorCatalogue.TokenRevoked.Code
                ? await CodeRefusedAsync(http, refusal, returnUrl)
                : await CodePageAsync(http, returnUrl, refused, codeSent: false);
        await AddMethodsAsync(http, signedIn, proof.Value!.Methods);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> ConfirmCodeAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        var form = await http.Request.ReadFormAsync();
        var returnUrl = LocalReturn(form["returnUrl"].FirstOrDefault());
        if (await PasswordStepAsync(http) is not (var signedIn, var idNumber, var sessionId)) return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var account = cluster.Account(idNumber);
        if (await RateLimits.AccountBudgetSpentAsync(http, idNumber) is { } spent)
            return await CodePageAsync(http, returnUrl, T(http, $"Chưa thể gửi hoặc kiểm tra mã; thử lại sau {spent} giây.", $"No code can be sent or checked now; try again in {spent} seconds."));

        if (form["action"] == "resend")
        {
            var sent = await account.RequestSignInCodeAsync(sessionId);
            return sent.Error is null
                ? await CodePageAsync(http, returnUrl, null)
                : await CodeRefusedAsync(http, sent.Error, returnUrl);
        }
        var code = form["code"].FirstOrDefault()?.Trim() ?? "";
        if (!OneTimeCode.IsWellFormed(code)) return await CodePageAsync(http, returnUrl, T(http, "Mã xác thực gồm 6 chữ số.", "The code has 6 digits."));
        var confirmed = await account.ConfirmSignInCodeAsync(sessionId, code);
        if (confirmed.Error is { } refusal) return await CodeRefusedAsync(http, refusal, returnUrl);

        await AddMethodsAsync(http, signedIn, ["otp", "mfa"]);
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
        return await CodePageAsync(http, returnUrl, refusal.RetryAfterSeconds is { } wait
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
