using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderPages;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Sign-in at the provider and the authorization endpoint: the citizen signs in with the ID number and password (every
/// account rule applies: lockouts, step-up, locked accounts, the same answer for an unknown ID), the provider checks the
/// level the relying party needs, shows the consent page, and hands OpenIddict the claims to put in the code.
/// </summary>
public static class AuthorizationEndpoint
{
    public const string CookieScheme = "vneid-provider";
    private const string SessionClaim = "vneid_sid";
    private const string LevelClaim = "vneid_level";
    private const string AccountClaim = "vneid_account";

    public static IServiceCollection AddProviderSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "vneid.provider";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/signin";
        });
        services.AddAntiforgery(o => o.HeaderName = null);
        return services;
    }

    public static IEndpointRouteBuilder MapProviderSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (HttpContext http, string? returnUrl) => SignInPage(http, returnUrl, null, null)).ExcludeFromDescription();
        app.MapPost("/signin", SignInAsync).ExcludeFromDescription();
        app.MapMethods("/connect/authorize", ["GET", "POST"], AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/connect/token", TokenAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync).ExcludeFromDescription();
        app.MapMethods("/connect/logout", ["GET", "POST"], LogOutAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The token endpoint, after OpenIddict has checked the client, the code or refresh token and PKCE: tokens are issued
    /// only while the account's session that signed the citizen in is still open, so a lock, a password change, a
    /// recovery or a logout stops the relying party's refresh tokens at once.
    /// </summary>
    private static async Task<IResult> TokenAsync(HttpContext http, IClusterClient cluster)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Forbid(OpenIddictConstants.Errors.UnsupportedGrantType, "Only the authorization code and refresh token grants are served.");
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var accountId = principal?.GetClaim(AccountClaim);
        var sessionId = principal?.GetClaim(SessionClaim);
        if (accountId is null || sessionId is null || await cluster.Account(accountId).GetForSessionAsync(sessionId) is null)
            return Forbid(OpenIddictConstants.Errors.InvalidGrant, "The citizen's session has ended.");
        return Results.SignIn(principal!, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The claims of the presented access token that its scopes allow (OpenIddict has validated the token).</summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null) return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject) };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = principal.GetClaim(Claims.Name);
            claims[Claims.Birthdate] = principal.GetClaim(Claims.Birthdate);
            claims[Claims.Gender] = principal.GetClaim(Claims.Gender);
        }
        if (principal.HasScope(Scopes.Phone)) claims[Claims.PhoneNumber] = principal.GetClaim(Claims.PhoneNumber);
        if (principal.HasScope("vneid_level") && int.TryParse(principal.GetClaim(LevelClaim), CultureInfo.InvariantCulture, out var level))
            claims[LevelClaim] = level;
        return Results.Json(claims.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>RP-initiated logout: the provider's sign-in and the account session it opened end; OpenIddict checks the post-logout URI.</summary>
    private static async Task<IResult> LogOutAsync(HttpContext http, IClusterClient cluster)
    {
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        if (signedIn.Principal?.FindFirst(Claims.Subject)?.Value is { } sub && signedIn.Principal.FindFirst(SessionClaim)?.Value is { } sid)
            await cluster.Account(sub).LogOutAsync(sid);
        await http.SignOutAsync(CookieScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult SignInPage(HttpContext http, string? returnUrl, string? error, string? idNumber, bool stepUp = false)
    {
        var body = (error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>") + Form(http, "/signin",
            [new("returnUrl", LocalReturn(returnUrl))],
            $"""
             <label for="idNumber">{T(http, "Số định danh cá nhân", "Personal ID number")}</label>
             <input type="text" id="idNumber" name="idNumber" inputmode="numeric" autocomplete="username" required value="{E(idNumber)}">
             <label for="password">{T(http, "Mật khẩu", "Password")}</label>
             <input type="password" id="password" name="password" autocomplete="current-password" required>
             {(stepUp ? $"""
                        <label for="stepUpCode">{T(http, "Mã xác thực đã gửi đến số điện thoại đăng ký", "Code sent to the registered phone")}</label>
                        <input type="text" id="stepUpCode" name="stepUpCode" inputmode="numeric" autocomplete="one-time-code">
                        """ : "")}
             <button type="submit">{T(http, "Đăng nhập", "Sign in")}</button>
             """);
        return Html(http, T(http, "Đăng nhập bằng tài khoản định danh điện tử", "Sign in with your e-ID account"), body,
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
        var form = await http.Request.ReadFormAsync();
        string? Field(string name) => form[name].FirstOrDefault();
        var returnUrl = LocalReturn(Field("returnUrl"));
        var idNumber = Field("idNumber")?.Trim();
        var password = Field("password") ?? "";
        var stepUpCode = string.IsNullOrWhiteSpace(Field("stepUpCode")) ? null : Field("stepUpCode")!.Trim();
        string Wrong() => T(http, "Số định danh hoặc mật khẩu không đúng.", "The ID number or the password is wrong.");
        if (!PersonalIdNumber.TryParse(idNumber, out _, out _) || password.Length is 0 or > 128 ||
            !StorableText.IsStorable(password) || (stepUpCode is not null && !System.Text.RegularExpressions.Regex.IsMatch(stepUpCode, OneTimeCode.Pattern)))
            return SignInPage(http, returnUrl, Wrong(), StorableText.IsStorable(idNumber) ? idNumber : null);

        var result = await cluster.Account(idNumber!).LogInAsync(password, stepUpCode);
        if (result.Value is not { } grant)
        {
            // The same messages as the API's codes: nothing here tells an unknown ID from an account.
            var code = result.Error!.Code;
            if (code == ErrorCatalogue.StepUpRequired.Code)
                return SignInPage(http, returnUrl, T(http,
                    "Đăng nhập sai nhiều lần: cần thêm mã xác thực gửi đến số điện thoại đăng ký (POST /api/v1/sessions/step-up).",
                    "Too many failed sign-ins: a code sent to the registered phone is needed too."), idNumber, stepUp: true);
            if (result.Error.RetryAfterSeconds is { } wait)
                return SignInPage(http, returnUrl, T(http,
                    $"Tạm thời không thể đăng nhập; thử lại sau {wait} giây.", $"Sign-in is refused for a while; try again in {wait} seconds."), idNumber);
            return SignInPage(http, returnUrl, Wrong(), idNumber, stepUp: stepUpCode is not null);
        }

        var identity = new ClaimsIdentity(CookieScheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, grant.IdNumber));
        identity.AddClaim(new Claim(SessionClaim, grant.SessionId));
        identity.AddClaim(new Claim(LevelClaim, ((int)grant.Level).ToString(CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, "pwd"));
        if (stepUpCode is not null) identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, "otp"));
        identity.AddClaim(new Claim(Claims.AuthenticationTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IClusterClient cluster, IOpenIddictApplicationManager applications,
        IOptions<OidcOptions> oidc, IAntiforgery antiforgery)
    {
        // A decision comes only from the provider's own consent form (CSRF).
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Form.ContainsKey("decision") &&
            !await antiforgery.IsRequestValidAsync(http))
            return Results.BadRequest();
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var citizen = signedIn.Succeeded ? signedIn.Principal : null;
        var account = citizen?.FindFirst(Claims.Subject)?.Value is { } sub ? cluster.Account(sub) : null;
        // The provider's sign-in lasts only while the account's session does: a lock, a password change or a logout ends it.
        var view = account is not null && citizen!.FindFirst(SessionClaim)?.Value is { } sid ? await account.GetForSessionAsync(sid) : null;
        if (view is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None)) return Forbid(OpenIddictConstants.Errors.LoginRequired, "The citizen is not signed in.");
            await http.SignOutAsync(CookieScheme);
            var again = "/connect/authorize" + QueryString.Create(RequestParameters(http, "prompt", "decision"));
            return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(again)}");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application);
        var clientMinimum = descriptor.Properties.TryGetValue(RelyingParties.MinimumLevelProperty, out var min) ? min.GetInt32() : 1;
        var required = Math.Max(clientMinimum, request.GetAcrValues().Contains(Assurance.Level2) ? 2 : 1);
        var level = (int)view.Level;
        var hidden = RequestParameters(http, "decision", "lang");

        if (level < required)
        {
            // Never a token with a lower level than asked for: the citizen learns how to reach level 2, the relying party gets an error.
            if (Decision(http) == "back") return Forbid(OpenIddictConstants.Errors.AccessDenied, "The account's level is below the level the relying party requires.");
            return Html(http, T(http, "Cần tài khoản định danh điện tử mức độ 2", "A level-2 e-ID account is needed"),
                $"""
                 <p>{T(http, $"{E(descriptor.DisplayName)} yêu cầu tài khoản mức độ 2. Tài khoản của bạn đang ở mức độ {level}.",
                     $"{E(descriptor.DisplayName)} requires a level-2 account. Yours is level {level}.")}</p>
                 <p>{T(http, "Để nâng lên mức độ 2, hãy mang thẻ căn cước công dân gắn chip đến cơ quan Công an cấp xã, huyện hoặc tỉnh nơi thuận tiện: cán bộ sẽ thu nhận ảnh chân dung và vân tay, rồi mã kích hoạt được gửi đến số điện thoại của bạn.",
                     "To reach level 2, bring your chip ID card to a police office (commune, district or province): an officer captures your portrait and fingerprints, then an activation code is sent to your phone.")}</p>
                 {Form(http, "/connect/authorize", [.. hidden, new("decision", "back")], $"<button type=\"submit\">{T(http, "Quay lại dịch vụ", "Back to the service")}</button>")}
                 """);
        }

        switch (Decision(http))
        {
            case "deny":
                return Forbid(OpenIddictConstants.Errors.AccessDenied, "The citizen declined.");
            case "accept":
                var profile = await account!.GetProfileAsync();
                var identity = Identity(request, view, profile, citizen!, descriptor, Convert.FromBase64String(oidc.Value.PairwiseKey));
                return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        var claims = new List<string> { T(http, "Mã định danh (riêng cho dịch vụ này)", "An identifier (for this service only)") };
        if (request.HasScope(Scopes.Profile)) claims.Add(T(http, "Họ và tên, ngày sinh, giới tính (đã xác thực với Cơ sở dữ liệu quốc gia về dân cư)", "Full name, date of birth, gender (verified against the population database)"));
        if (request.HasScope(Scopes.Phone)) claims.Add(T(http, "Số điện thoại đăng ký", "Registered phone number"));
        if (request.HasScope("vneid_level")) claims.Add(T(http, "Mức độ tài khoản định danh điện tử", "The e-ID account's level"));
        return Html(http, T(http, "Cho phép chia sẻ thông tin", "Allow sharing"),
            $"""
             <p>{T(http, $"<strong>{E(descriptor.DisplayName)}</strong> muốn nhận các thông tin sau của bạn:", $"<strong>{E(descriptor.DisplayName)}</strong> asks for:")}</p>
             <ul>{string.Concat(claims.Select(c => $"<li>{E(c)}</li>"))}</ul>
             {Form(http, "/connect/authorize", hidden, $"<button type=\"submit\" name=\"decision\" value=\"accept\">{T(http, "Đồng ý", "Allow")}</button> <button class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\">{T(http, "Từ chối", "Decline")}</button>")}
             """);
    }

    private static ClaimsIdentity Identity(OpenIddictRequest request, AccountView view, ProfileView? profile, ClaimsPrincipal citizen,
        OpenIddictApplicationDescriptor client, byte[] pairwiseKey)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        var seesId = client.Properties.TryGetValue(RelyingParties.SeesIdNumberProperty, out var sees) && sees.GetBoolean();
        identity.SetClaim(Claims.Subject, seesId ? view.IdNumber : Pairwise(pairwiseKey, client.ClientId!, view.IdNumber));
        identity.SetClaim("acr", view.Level == AccountLevel.Level2 ? Assurance.Level2 : Assurance.Level1);
        // Kept only inside the (encrypted) code and refresh token, never sent to the relying party: which account and
        // which of its sessions the tokens hang on.
        identity.SetClaim(AccountClaim, view.IdNumber);
        identity.SetClaim(SessionClaim, citizen.FindFirst(SessionClaim)?.Value);
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. citizen.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value)]);
        if (long.TryParse(citizen.FindFirst(Claims.AuthenticationTime)?.Value, CultureInfo.InvariantCulture, out var authTime))
            identity.SetClaim(Claims.AuthenticationTime, authTime);
        if (request.HasScope(Scopes.Profile))
        {
            identity.SetClaim(Claims.Name, view.FullName);
            identity.SetClaim(Claims.Birthdate, view.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            identity.SetClaim(Claims.Gender, view.Gender == Gender.Male ? "male" : "female");
        }
        if (request.HasScope(Scopes.Phone) && profile?.Fields.FirstOrDefault(f => f.Name == "phone")?.Value is { } phone)
            identity.SetClaim(Claims.PhoneNumber, phone);
        if (request.HasScope("vneid_level")) identity.SetClaim(LevelClaim, (int)view.Level);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(claim => claim.Type is AccountClaim or SessionClaim ? [] : [Destinations.IdentityToken, Destinations.AccessToken]);
        return identity;
    }

    /// <summary>A subject per relying party: the same citizen is unlinkable across services that may not see the ID number.</summary>
    public static string Pairwise(byte[] key, string clientId, string idNumber) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"pairwise\n{clientId}\n{idNumber}")))[..27];

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string? Decision(HttpContext http) => http.Request.HasFormContentType ? http.Request.Form["decision"].FirstOrDefault() : null;

    /// <summary>
    /// The authorization request's parameters, as they came (query or form), without the antiforgery token and the
    /// named ones: carried to the sign-in page's return URL and through the consent form.
    /// </summary>
    private static List<KeyValuePair<string, string?>> RequestParameters(HttpContext http, params string[] except)
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            http.Request.HasFormContentType ? http.Request.Form : http.Request.Query;
        return source.Where(p => !except.Contains(p.Key) && !p.Key.StartsWith("__", StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString())).ToList();
    }

    private static string LocalReturn(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
