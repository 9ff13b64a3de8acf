using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.IdentityProvider;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderClaims;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderPages;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderSignIn;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The provider's protocol endpoints after OpenIddict has validated each request: authorize (the level check, the code
/// step, consent, the identity put into the code), token (only while the account session is open), userinfo and
/// RP-initiated logout.
/// </summary>
public static class AuthorizationEndpoint
{
    public static IEndpointRouteBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapProviderSignInPages();
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

    /// <summary>The claims of the presented access token (OpenIddict has validated it): those its scopes and the consent allowed.</summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null) return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject) };
        foreach (var type in new[] { Claims.Name, Claims.Birthdate, Claims.Gender, Claims.PhoneNumber, Claims.Email })
            claims[type] = principal.GetClaim(type);
        if (principal.GetClaim(Claims.EmailVerified) is { } verifiedEmail) claims[Claims.EmailVerified] = verifiedEmail == "true";
        if (int.TryParse(principal.GetClaim(LevelClaim), CultureInfo.InvariantCulture, out var level)) claims[LevelClaim] = level;
        if (principal.GetClaim(VerifiedClaims) is { } verified) claims[VerifiedClaims] = JsonDocument.Parse(verified).RootElement.Clone();
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

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IClusterClient cluster, IOpenIddictApplicationManager applications,
        IOptions<OidcOptions> oidc, IAntiforgery antiforgery, NpgsqlDataSource database, IConfiguration configuration)
    {
        // A decision comes only from the provider's own consent form (CSRF).
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Form.ContainsKey("decision") &&
            !await antiforgery.IsRequestValidAsync(http))
            return Results.BadRequest();
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var citizen = signedIn.Succeeded ? signedIn.Principal : null;
        var account = citizen?.FindFirst(Claims.Subject)?.Value is { } sub ? cluster.Account(sub) : null;
        var sessionId = citizen?.FindFirst(SessionClaim)?.Value;
        // The provider's sign-in lasts only while the account's session does: a lock, a password change or a logout ends it.
        var view = account is not null && sessionId is not null ? await account.GetForSessionAsync(sessionId) : null;
        var here = "/connect/authorize" + QueryString.Create(RequestParameters(http, "prompt", "decision", "lang"));
        if (view is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None)) return Forbid(OpenIddictConstants.Errors.LoginRequired, "The citizen is not signed in.");
            await http.SignOutAsync(CookieScheme);
            return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(here)}{(English(http) ? "&lang=en" : "")}");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var client = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(client, application);
        var clientMinimum = client.Properties.TryGetValue(RelyingParties.MinimumLevelProperty, out var min) ? min.GetInt32() : 1;
        var required = Math.Max(clientMinimum, request.GetAcrValues().Contains(Assurance.Level2) ? 2 : 1);
        var level = (int)view.Level;
        var hidden = RequestParameters(http, "decision", "lang");

        if (level < required)
        {
            // Never a token with a lower level than asked for: the citizen learns how to reach level 2, the relying party gets an error.
            if (Decision(http) == "back") return Forbid(OpenIddictConstants.Errors.AccessDenied, "The account's level is below the level the relying party requires.");
            return Html(http, T(http, "Cần tài khoản định danh điện tử mức độ 2", "A level-2 e-ID account is needed"),
                $"""
                 <p>{T(http, $"{E(client.DisplayName)} yêu cầu tài khoản mức độ 2. Tài khoản của bạn đang ở mức độ {level}.",
                     $"{E(client.DisplayName)} requires a level-2 account. Yours is level {level}.")}</p>
                 <p>{T(http, "Để nâng lên mức độ 2, hãy mang thẻ căn cước công dân gắn chip còn hiệu lực đến cơ quan Công an cấp xã, huyện hoặc tỉnh nơi thuận tiện: cán bộ sẽ thu nhận ảnh chân dung và vân tay, rồi mã kích hoạt được gửi đến số điện thoại của bạn.",
                     "To reach level 2, bring your valid chip ID card to a police office (commune, district or province): an officer captures your portrait and fingerprints, then an activation code is sent to your phone.")}</p>
                 {Form(http, "/connect/authorize", [.. hidden, new("decision", "back")], $"<button type=\"submit\">{T(http, "Quay lại dịch vụ", "Back to the service")}</button>")}
                 """);
        }

        // Level 2 asked for, or the account's risk rule advises it: the phone on record proves itself with a code.
        if ((required == 2 || citizen!.HasClaim(CodeAdvisedClaim, "true")) && !HasCode(citizen!))
            return await AskForCodeAsync(http, account!, sessionId!, here);

        var release = ProviderClaims.For(request);
        switch (Decision(http))
        {
            case "deny":
                return Forbid(OpenIddictConstants.Errors.AccessDenied, "The citizen declined.");
            case "accept":
                var profile = release.Phone ? await account!.GetProfileAsync() : null;
                var verification = release.Verified.Count > 0 ? await account!.GetVerificationAsync() : null;
                var identity = ProviderClaims.Identity(request, release, view, profile, verification, citizen!, client, oidc.Value,
                    code => configuration.GetSection("Offices").GetChildren().FirstOrDefault(o => o["Code"] == code)?["Name"]);
                if (client.Properties.ContainsKey(RelyingParties.BackchannelLogoutProperty))
                {
                    // Remembered before the code leaves, and checked again after: a session that ended meanwhile gets no token.
                    await BackChannelLogout.RecordAsync(database, view.IdNumber, sessionId!, client.ClientId!, identity.GetClaim(Claims.Subject)!, identity.GetClaim("sid")!);
                    if (await account!.GetForSessionAsync(sessionId!) is null)
                    {
                        await BackChannelLogout.ForgetAsync(database, view.IdNumber, sessionId!, client.ClientId!);
                        await http.SignOutAsync(CookieScheme);
                        return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(here)}");
                    }
                }
                if (client.Properties.ContainsKey(RelyingParties.SecurityEventsProperty))
                    await SecurityEvents.RecordSubjectAsync(database, view.IdNumber, client.ClientId!, identity.GetClaim(Claims.Subject)!);
                return Results.SignIn(new System.Security.Claims.ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Html(http, T(http, "Cho phép chia sẻ thông tin", "Allow sharing"),
            $"""
             <p>{T(http, $"<strong>{E(client.DisplayName)}</strong> muốn nhận các thông tin sau của bạn:", $"<strong>{E(client.DisplayName)}</strong> asks for:")}</p>
             <ul>{string.Concat(ConsentLines(http, release).Select(c => $"<li>{E(c)}</li>"))}</ul>
             {Form(http, "/connect/authorize", hidden, $"<button type=\"submit\" name=\"decision\" value=\"accept\">{T(http, "Đồng ý", "Allow")}</button> <button class=\"secondary\" type=\"submit\" name=\"decision\" value=\"deny\">{T(http, "Từ chối", "Decline")}</button>")}
             """);
    }

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
}
