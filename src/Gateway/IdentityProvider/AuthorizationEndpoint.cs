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
            verification, citizen, client, oidc.Value);
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject) };
        foreach (var type in new[] { Claims.Name, Claims.Birthdate, Claims.Gender, Claims.PhoneNumber, Claims.Email })
            claims[type] = identity.GetClaim(type);
        if (identity.GetClaim(Claims.EmailVerified) is { } verifiedEmail) claims[Claims.EmailVerified] = verifiedEmail == "true";
        if (int.TryParse(identity.GetClaim(LevelClaim), CultureInfo.InvariantCulture, out var level)) claims[LevelClaim] = level;
        if (identity.GetClaim(VerifiedClaims) is { } verified) claims[VerifiedClaims] = JsonDocument.Parse(verified).RootElement.Clone();
        return Results.Json(claims.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>What the provider keeps with a sign-in's authorization: the account, its session, and what was released.</summary>
    private sealed record SignIn(string Account, string Session, Release Release);

    private const string AccountProperty = "vneid_account";
    private const string SessionProperty = "vneid_session";
    private const string ReleaseProperty = "vneid_release";

    private static async Task<SignIn?> SignInOfAsync(IOpenIddictAuthorizationManager authorizations, string authorizationId)
    {
        if (await authorizations.FindByIdAsync(authorizationId) is not { } authorization) return null;
        if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid)) return null;
        var properties = await authorizations.GetPropertiesAsync(authorization);
        return properties.TryGetValue(AccountProperty, out var account) && properties.TryGetValue(SessionProperty, out var session) &&
               properties.TryGetValue(ReleaseProperty, out var release) && ProviderClaims.Deserialize(release.GetString()) is { } released
            ? new SignIn(account.GetString()!, session.GetString()!, released)
            : null;
    }

    /// <summary>The sign-in's authorization (ad hoc: one per consent), which the code and every token issued from it name.</summary>
    private static async Task<string> RecordSignInAsync(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
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

    /// <summary>A request parameter the provider adds when it sends the citizen to sign in again: the sign-in must be newer.</summary>
    private const string SignedInAfter = "vneid_auth_after";

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IClusterClient cluster, IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations, IOptions<OidcOptions> oidc, IAntiforgery antiforgery, NpgsqlDataSource database,
        TimeProvider clock)
    {
        // A decision comes only from the provider's own forms (CSRF).
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && http.Request.Form.ContainsKey("decision") &&
            !await antiforgery.IsRequestValidAsync(http))
            return WebForms.FormNotTaken(http);
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var silent = request.HasPromptValue(PromptValues.None);
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var citizen = signedIn.Succeeded ? signedIn.Principal : null;
        var account = citizen?.FindFirst(Claims.Subject)?.Value is { } sub ? cluster.Account(sub) : null;
        var sessionId = citizen?.FindFirst(SessionClaim)?.Value;
        // The provider's sign-in lasts only while the account's session does: a lock, a password change or a logout ends it.
        var view = account is not null && sessionId is not null ? await account.GetForSessionAsync(sessionId) : null;
        var now = clock.GetUtcNow();

        // A sign-in is needed when there is none, when the relying party asks for a new one (prompt=login) and when the one
        // there is older than max_age (OpenID Connect Core §3.1.2.1). After signing in again the citizen comes back here
        // without prompt=login, and with the time the sign-in must be newer than.
        var authTime = long.TryParse(citizen?.FindFirst(Claims.AuthenticationTime)?.Value, CultureInfo.InvariantCulture, out var at) ? at : 0;
        var after = long.TryParse(Parameter(http, SignedInAfter), CultureInfo.InvariantCulture, out var since) ? since : (long?)null;
        var stale = after is { } mustFollow
            ? authTime < mustFollow
            : request.HasPromptValue(PromptValues.Login) || (request.MaxAge is { } maxAge && now.ToUnixTimeSeconds() - authTime > maxAge);
        if (view is null || stale)
        {
            if (silent) return Forbid(OpenIddictConstants.Errors.LoginRequired, "The citizen must sign in.");
            await http.SignOutAsync(CookieScheme);
            var back = "/connect/authorize" + QueryString.Create([
                .. RequestParameters(http, "prompt", "decision", "lang", SignedInAfter),
                new(SignedInAfter, (stale ? now.ToUnixTimeSeconds() : 0).ToString(CultureInfo.InvariantCulture))]);
            return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(back)}{(WebPage.English(http) ? "&lang=en" : "")}");
        }
        var here = "/connect/authorize" + QueryString.Create(RequestParameters(http, "prompt", "decision", "lang"));

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
            if (silent) return Forbid(OpenIddictConstants.Errors.InteractionRequired, "The account's level is below the level the relying party requires.");
            if (Decision(http) == "back") return Forbid(OpenIddictConstants.Errors.AccessDenied, "The account's level is below the level the relying party requires.");
            return WebPage.Render<LevelNeededPage>(http, new Dictionary<string, object?>
            {
                ["ClientName"] = client.DisplayName ?? client.ClientId, ["Level"] = level, ["Hidden"] = hidden,
            });
        }

        // Level 2 asked for, or the account's risk rule advises it: the phone on record proves itself with a code.
        if ((required == 2 || citizen!.HasClaim(CodeAdvisedClaim, "true")) && !HasCode(citizen!))
        {
            if (silent) return Forbid(OpenIddictConstants.Errors.InteractionRequired, "A code sent to the citizen's phone is needed.");
            return await AskForCodeAsync(http, account!, sessionId!, here);
        }

        // The level this authentication met for this request: level 2 only when it was asked for, the account has it and
        // the phone on record proved itself at this sign-in; a password alone is level 1 whatever the account's level.
        var acr = required == 2 && view.Level == AccountLevel.Level2 && HasCode(citizen!) ? Assurance.Level2 : Assurance.Level1;
        var release = ProviderClaims.For(request, client);
        // Consent is remembered per citizen and relying party: asked again only when the request asks for more than was
        // allowed, or with prompt=consent. A request that may show no page gets consent_required instead.
        var applicationId = (await applications.GetIdAsync(application))!;
        var subject = ProviderClaims.Subject(oidc.Value, client, view.IdNumber);
        // The platform's own console asks for nothing to consent to: it shows the citizen their own account.
        var consented = RelyingParties.IsFirstParty(client) ||
                        (!request.HasPromptValue(PromptValues.Consent) && await ConsentRecords.CoversAsync(authorizations, applicationId, subject, release));
        if (silent && !consented) return Forbid(OpenIddictConstants.Errors.ConsentRequired, "The citizen's consent is needed.");
        switch (consented ? "accept" : Decision(http))
        {
            case "deny":
                return Forbid(OpenIddictConstants.Errors.AccessDenied, "The citizen declined.");
            case "accept":
                if (!consented) await ConsentRecords.RememberAsync(authorizations, applicationId, subject, release, request.GetScopes(), now);
                var profile = release.Phone ? await account!.GetProfileAsync() : null;
                var verification = release.Verified.Count > 0 ? await account!.GetVerificationAsync() : null;
                var identity = ProviderClaims.Identity(request.GetScopes(), release, acr, view, profile, verification, citizen!, client, oidc.Value);
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
                // RFC 9449 §10: a code asked for with dpop_jkt (or pushed with a DPoP proof) is exchanged only with that key's proof.
                if (request.GetParameter(FapiTokens.CodeKeyParameter)?.ToString() is { Length: 43 } codeKey)
                    identity.SetClaim(FapiTokens.CodeKeyClaim, codeKey);
                identity.SetAuthorizationId(await RecordSignInAsync(authorizations, applications, application, identity.GetClaim(Claims.Subject)!,
                    identity.GetScopes(), new SignIn(view.IdNumber, sessionId!, release), now));
                return Results.SignIn(new System.Security.Claims.ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return WebPage.Render<ConsentPage>(http, new Dictionary<string, object?>
        {
            ["ClientName"] = client.DisplayName ?? client.ClientId, ["Lines"] = ConsentLines(http, release), ["Hidden"] = hidden,
        });
    }

    private static string? Parameter(HttpContext http, string name) =>
        (http.Request.HasFormContentType ? http.Request.Form[name] : http.Request.Query[name]).FirstOrDefault();

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
