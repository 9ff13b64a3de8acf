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
using static Orleans.VNeID.Gateway.Problems.PageWords;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Provider;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderSignIn;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The provider's protocol endpoints after OpenIddict has validated each request: authorize (its handlers are
/// <see cref="Authorize"/>), token (only while the account session is open), userinfo and RP-initiated logout; and what
/// the provider keeps with each sign-in's authorization.
/// </summary>
public static class AuthorizationEndpoint
{
    public static IEndpointRouteBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapProviderSignInPages();
        app.MapMethods("/connect/authorize", ["GET", "POST"], Authorize.HandleAsync).ExcludeFromDescription();
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
    private static async Task<IResult> TokenAsync(HttpContext http, IClusterClient cluster, DPoPProofs proofs, IOptions<OidcOptions> oidc)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Forbid(OpenIddictConstants.Errors.UnsupportedGrantType, "Only the authorization code and refresh token grants are served.");
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var accountId = principal?.GetClaim(AccountClaim);
        var sessionId = principal?.GetClaim(SessionClaim);
        if (accountId is null || sessionId is null || await cluster.Account(accountId).GetForSessionAsync(sessionId) is null)
            return Forbid(OpenIddictConstants.Errors.InvalidGrant, "The citizen's session has ended.");
        // Acting for a child or an organisation: only while the parent or the person still may (a child of 14, a
        // representative the register replaced, a withdrawn or expired authorisation, a locked organisation: no more tokens).
        if (principal!.GetClaim(ActingFor.ActingClaim) is { } acting && await ActingFor.ResolveAsync(cluster, accountId, acting) is null)
            return Forbid(OpenIddictConstants.Errors.InvalidGrant, "The citizen may no longer act for this child or organisation.");
        // Sender-constrained tokens: the DPoP proof (required of a FAPI 2.0 client) binds the new tokens to its key.
        if (await FapiTokens.BindAsync(http, principal!, proofs, oidc.Value) is { } refused) return Forbid(refused.Error, refused.Description);
        return Results.SignIn(principal!, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Userinfo: the access token (OpenIddict has validated it) names the sign-in's authorization; the claims are read
    /// from the account as the release recorded at consent allows, and only while the account session that signed the
    /// citizen in is open (a lock, a password change, a logout or "log out everywhere" ends it).
    /// </summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http, IClusterClient cluster, IOpenIddictAuthorizationManager authorizations,
        IOpenIddictApplicationManager applications, IOptions<OidcOptions> oidc, DPoPProofs proofs)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null) return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        if (await FapiTokens.CheckBoundAsync(http, principal, proofs, oidc.Value) is { } unproven)
        {
            // RFC 9449 §7.1: the DPoP challenge, with the error in the platform's words.
            http.Response.Headers.WWWAuthenticate = $"{DPoPProofs.Scheme} error=\"{DPoPProofs.InvalidProof}\", algs=\"{string.Join(' ', DPoPProofs.Algorithms)}\"";
            return Results.Json(new Dictionary<string, string> { ["error"] = DPoPProofs.InvalidProof, ["error_description"] = unproven },
                statusCode: StatusCodes.Status401Unauthorized);
        }
        var signIn = principal.GetAuthorizationId() is { } authorizationId ? await SignInOfAsync(authorizations, authorizationId) : null;
        var view = signIn is null ? null : await cluster.Account(signIn.Account).GetForSessionAsync(signIn.Session);
        var acting = signIn?.Acting is { } actingFor && view is not null ? await ActingFor.ResolveAsync(cluster, signIn.Account, actingFor) : null;
        if (signIn?.Acting is not null && acting is null) view = null;
        var application = principal.GetPresenters().FirstOrDefault() is { } clientId ? await applications.FindByClientIdAsync(clientId) : null;
        if (signIn is null || view is null || application is null)
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = OpenIddictConstants.Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The citizen's session has ended.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        var client = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(client, application);
        var account = cluster.Account(signIn.Account);
        var profile = signIn.Release.Phone ? await account.GetProfileAsync() : null;
        var verification = signIn.Release.Verified.Count > 0 ? await account.GetVerificationAsync() : null;
        var citizen = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(SessionClaim, signIn.Session)]));
        var identity = ProviderClaims.Identity(principal.GetScopes(), signIn.Release, principal.GetClaim("acr") ?? Assurance.Level1, view, profile,
            verification, citizen, client, oidc.Value, acting, await cluster.GetGrain<Orleans.VNeID.Platform.IPlatformHealthGrain>(0).TodayAsync());
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject) };
        foreach (var type in new[] { Claims.Name, Claims.Birthdate, Claims.Gender, Claims.PhoneNumber, Claims.Email })
            claims[type] = identity.GetClaim(type);
        if (identity.GetClaim(Claims.EmailVerified) is { } verifiedEmail) claims[Claims.EmailVerified] = verifiedEmail == "true";
        if (int.TryParse(identity.GetClaim(LevelClaim), CultureInfo.InvariantCulture, out var level)) claims[LevelClaim] = level;
        foreach (var json in new[] { VerifiedClaims, ActingFor.ActClaim, ActingFor.OrganizationClaim })
            if (identity.GetClaim(json) is { } value) claims[json] = JsonDocument.Parse(value).RootElement.Clone();
        return Results.Json(claims.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>What the provider keeps with a sign-in's authorization: the account, its session, what was released, and whom it acts for.</summary>
    internal sealed record SignIn(string Account, string Session, Release Release, string? Acting = null);

    private const string AccountProperty = "vneid_account";
    private const string SessionProperty = "vneid_session";
    private const string ReleaseProperty = "vneid_release";
    private const string ActingProperty = "vneid_acting";

    private static async Task<SignIn?> SignInOfAsync(IOpenIddictAuthorizationManager authorizations, string authorizationId)
    {
        if (await authorizations.FindByIdAsync(authorizationId) is not { } authorization) return null;
        if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid)) return null;
        var properties = await authorizations.GetPropertiesAsync(authorization);
        return properties.TryGetValue(AccountProperty, out var account) && properties.TryGetValue(SessionProperty, out var session) &&
               properties.TryGetValue(ReleaseProperty, out var release) && ProviderClaims.Deserialize(release.GetString()) is { } released
            ? new SignIn(account.GetString()!, session.GetString()!, released,
                properties.TryGetValue(ActingProperty, out var acting) && acting.ValueKind == JsonValueKind.String ? acting.GetString() : null)
            : null;
    }

    /// <summary>The sign-in's authorization (ad hoc: one per consent), which the code and every token issued from it name.</summary>
    internal static async Task<string> RecordSignInAsync(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
        object application, string subject, IEnumerable<string> scopes, SignIn signIn, DateTimeOffset now)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application),
            Subject = subject,
            Type = AuthorizationTypes.AdHoc,
            Status = Statuses.Valid,
            CreationDate = now,
        };
        descriptor.Scopes.UnionWith(scopes);
        descriptor.Properties[AccountProperty] = JsonSerializer.SerializeToElement(signIn.Account);
        descriptor.Properties[SessionProperty] = JsonSerializer.SerializeToElement(signIn.Session);
        descriptor.Properties[ReleaseProperty] = JsonSerializer.SerializeToElement(ProviderClaims.Serialize(signIn.Release));
        if (signIn.Acting is { } acting) descriptor.Properties[ActingProperty] = JsonSerializer.SerializeToElement(acting);
        return (await authorizations.GetIdAsync(await authorizations.CreateAsync(descriptor)))!;
    }

    /// <summary>
    /// RP-initiated logout: the citizen is asked first (any site can send a browser here), then the provider's sign-in and
    /// the account session it opened end; OpenIddict has checked the post-logout URI against the client's registration.
    /// </summary>
    private static async Task<IResult> LogOutAsync(HttpContext http, IClusterClient cluster, IAntiforgery antiforgery)
    {
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var decided = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Form.ContainsKey("decision");
        if (decided && !await antiforgery.IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        if (!decided && signedIn.Principal is not null)
            return WebPage.Render<LogoutPage>(http, new Dictionary<string, object?> { ["Hidden"] = RequestParameters(http, "decision", "lang") });
        if (decided && Decision(http) == "logout" &&
            signedIn.Principal?.FindFirst(Claims.Subject)?.Value is { } sub && signedIn.Principal.FindFirst(SessionClaim)?.Value is { } sid)
        {
            await cluster.Account(sub).LogOutAsync(sid);
            await http.SignOutAsync(CookieScheme);
        }
        // Back to the relying party's registered post-logout URI (with its state), or the provider's home.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Forbid(string error, string description) => Authorize.Forbid(error, description);

    private static string? Decision(HttpContext http) => http.Request.HasFormContentType ? http.Request.Form["decision"].FirstOrDefault() : null;

    private static List<KeyValuePair<string, string?>> RequestParameters(HttpContext http, params string[] except) => Authorize.RequestParameters(http, except);
}
