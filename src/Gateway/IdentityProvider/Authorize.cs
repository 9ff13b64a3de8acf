using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Identity;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Provider;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderClaims;
using static Orleans.VNeID.Gateway.IdentityProvider.ProviderSignIn;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The authorization endpoint after OpenIddict has validated the request, in three handlers as the OpenIddict samples'
/// authorization controller has them: <see cref="AuthorizeAsync"/> (sign-in, level, code, remembered consent or the consent
/// page), <see cref="AcceptAsync"/> (the citizen allowed it) and <see cref="DenyAsync"/> (the citizen declined, or went
/// back from the level page). The decisions themselves are <see cref="AuthorizeRules"/>.
/// </summary>
public static partial class Authorize
{
    /// <summary>A request parameter the provider adds when it sends the citizen to sign in again: the sign-in must be newer.</summary>
    public const string SignedInAfter = "vneid_auth_after";

    /// <summary>One endpoint for OpenIddict, three handlers: a decision posted from the provider's own forms picks accept or deny.</summary>
    public static async Task<IResult> HandleAsync(HttpContext http, IServiceProvider services)
    {
        var decision = Decision(http);
        if (decision is null) return await AuthorizeAsync(http, services);
        // A decision comes only from the provider's own forms (CSRF).
        if (!await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http)) return WebForms.FormNotTaken(http);
        return decision switch
        {
            "accept" => await AcceptAsync(http, services),
            "for" => await ChosenAsync(http, services),
            _ => DenyAsync(decision),
        };
    }

    /// <summary>What the request and the citizen's sign-in establish, once the citizen is signed in.</summary>
    private sealed record Flow(OpenIddictRequest Request, ClaimsPrincipal Citizen, ICitizenAccountGrain Account, string SessionId, AccountView View,
        object Application, string ApplicationId, OpenIddictApplicationDescriptor Client, int RequiredLevel, Release Release, string Subject, string Here,
        ActingFor.Acting? For = null);

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IServiceProvider services)
    {
        if (await OpenAsync(http, services) is not { } flow) return await SignInAgainAsync(http, services);
        var silent = flow.Request.HasPromptValue(PromptValues.None);
        if (await RefusedAsync(http, flow, silent) is { } refused) return refused;
        var (chosen, choicePage) = await ChooseAsync(http, services, flow, silent);
        if (choicePage is not null) return choicePage;
        flow = chosen!;
        // Consent is remembered per citizen and relying party: asked again only when the request asks for more than was
        // allowed, or with prompt=consent; the platform's own console asks for nothing. A request that may show no page
        // gets consent_required instead.
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var consented = RelyingParties.IsFirstParty(flow.Client) ||
                        (!flow.Request.HasPromptValue(PromptValues.Consent) &&
                         await ConsentRecords.CoversAsync(authorizations, flow.ApplicationId, flow.Subject, flow.Release));
        if (consented) return await IssueAsync(http, services, flow);
        if (silent) return Forbid(OpenIddictConstants.Errors.ConsentRequired, "The citizen's consent is needed.");
        return WebPage.Render<ConsentPage>(http, new Dictionary<string, object?>
        {
            ["ClientName"] = flow.Client.DisplayName ?? flow.Client.ClientId,
            ["Lines"] = (List<string>)[.. ActingLines(http, flow.For), .. ConsentLines(http, flow.Release, IdentityNumber.Parse(flow.View.IdNumber).IsCitizen)],
            ["Hidden"] = RequestParameters(http, "decision", "lang"),
        });
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, IServiceProvider services)
    {
        if (await OpenAsync(http, services) is not { } flow) return await SignInAgainAsync(http, services);
        if (await RefusedAsync(http, flow, silent: false) is { } refused) return refused;
        var (chosen, choicePage) = await ChooseAsync(http, services, flow, silent: false);
        if (choicePage is not null) return choicePage;
        flow = chosen!;
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        // A parent's consent on a child's behalf is recorded under the child's subject, naming the parent who gave it.
        if (!RelyingParties.IsFirstParty(flow.Client) &&
            (flow.Request.HasPromptValue(PromptValues.Consent) || !await ConsentRecords.CoversAsync(authorizations, flow.ApplicationId, flow.Subject, flow.Release)))
            await ConsentRecords.RememberAsync(authorizations, flow.ApplicationId, flow.Subject, flow.Release, flow.Request.GetScopes(),
                services.GetRequiredService<TimeProvider>().GetUtcNow(), flow.For?.Child is not null ? flow.View.IdNumber : null);
        return await IssueAsync(http, services, flow);
    }

    private static IResult DenyAsync(string decision) => decision == "back"
        ? Forbid(OpenIddictConstants.Errors.AccessDenied, "The account's level is below the level the relying party requires.")
        : Forbid(OpenIddictConstants.Errors.AccessDenied, "The citizen declined.");

    /// <summary>The citizen's sign-in and the relying party, or null when the citizen must sign in (again) first.</summary>
    private static async Task<Flow?> OpenAsync(HttpContext http, IServiceProvider services)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var citizen = signedIn.Succeeded ? signedIn.Principal : null;
        var account = citizen?.FindFirst(Claims.Subject)?.Value is { } sub ? services.GetRequiredService<IClusterClient>().Account(sub) : null;
        var sessionId = citizen?.FindFirst(SessionClaim)?.Value;
        // The provider's sign-in lasts only while the account's session does: a lock, a password change or a logout ends it.
        var view = account is not null && sessionId is not null ? await account.GetForSessionAsync(sessionId) : null;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        if (AuthorizeRules.SignInNeeded(view, AuthorizeRules.AuthTime(citizen), SignedInAfterValue(http), request.HasPromptValue(PromptValues.Login), request.MaxAge, now))
            return null;

        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var client = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(client, application);
        var oidc = services.GetRequiredService<IOptions<OidcOptions>>().Value;
        return new Flow(request, citizen!, account!, sessionId!, view!, application, (await applications.GetIdAsync(application))!, client,
            AuthorizeRules.RequiredLevel(client, request.GetAcrValues()), ProviderClaims.For(request, client), ProviderClaims.Subject(oidc, client, view!.IdNumber),
            "/connect/authorize" + QueryString.Create(RequestParameters(http, "prompt", "decision", "lang")));
    }

    /// <summary>The sign-in page (again), or login_required for a request that may show no page.</summary>
    private static async Task<IResult> SignInAgainAsync(HttpContext http, IServiceProvider services)
    {
        var request = http.GetOpenIddictServerRequest()!;
        if (request.HasPromptValue(PromptValues.None)) return Forbid(OpenIddictConstants.Errors.LoginRequired, "The citizen must sign in.");
        var signedIn = await http.AuthenticateAsync(CookieScheme);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        var stale = AuthorizeRules.Stale(AuthorizeRules.AuthTime(signedIn.Succeeded ? signedIn.Principal : null), SignedInAfterValue(http),
            request.HasPromptValue(PromptValues.Login), request.MaxAge, now);
        await http.SignOutAsync(CookieScheme);
        var back = "/connect/authorize" + QueryString.Create([
            .. RequestParameters(http, "prompt", "decision", "lang", SignedInAfter),
            new(SignedInAfter, (stale ? now : 0).ToString(CultureInfo.InvariantCulture))]);
        return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(back)}{(WebPage.English(http) ? "&lang=en" : "")}");
    }

    /// <summary>The level page or the code step, when the sign-in does not yet meet what the relying party needs.</summary>
    private static async Task<IResult?> RefusedAsync(HttpContext http, Flow flow, bool silent)
    {
        if ((int)flow.View.Level < flow.RequiredLevel)
        {
            // Never a token with a lower level than asked for: the citizen learns how to reach level 2, the relying party gets an error.
            if (silent) return Forbid(OpenIddictConstants.Errors.InteractionRequired, "The account's level is below the level the relying party requires.");
            return WebPage.Render<LevelNeededPage>(http, new Dictionary<string, object?>
            {
                ["ClientName"] = flow.Client.DisplayName ?? flow.Client.ClientId, ["Level"] = (int)flow.View.Level,
                ["Hidden"] = RequestParameters(http, "decision", "lang"),
            });
        }
        if (AuthorizeRules.CodeNeeded(flow.RequiredLevel, flow.Citizen))
        {
            if (silent) return Forbid(OpenIddictConstants.Errors.InteractionRequired, "A code sent to the citizen's phone is needed.");
            return await AskForCodeAsync(http, flow.Account, flow.SessionId, flow.Here);
        }
        return null;
    }

    /// <summary>The code for the relying party: the identity, the records of who holds which session, the sign-in's authorization.</summary>
    private static async Task<IResult> IssueAsync(HttpContext http, IServiceProvider services, Flow flow)
    {
        var oidc = services.GetRequiredService<IOptions<OidcOptions>>().Value;
        var database = services.GetRequiredService<NpgsqlDataSource>();
        var release = flow.Release;
        var profile = release.Phone ? await flow.Account.GetProfileAsync() : null;
        var verification = release.Verified.Count > 0 ? await flow.Account.GetVerificationAsync() : null;
        var acr = AuthorizeRules.Acr(flow.RequiredLevel, flow.View.Level, flow.Citizen);
        var cluster = services.GetRequiredService<IClusterClient>();
        var today = await cluster.GetGrain<Orleans.VNeID.Platform.IPlatformHealthGrain>(0).TodayAsync();
        var identity = ProviderClaims.Identity(flow.Request.GetScopes(), release, acr, flow.View, profile, verification, flow.Citizen, flow.Client, oidc,
            flow.For, today);
        var subject = identity.GetClaim(Claims.Subject)!;
        var service = flow.Client.DisplayName ?? flow.Client.ClientId!;
        if (flow.For?.Child is { } child)
        {
            // Recorded on the parent's account (history, notices) before the code leaves; refused if the child is no longer theirs.
            if ((await flow.Account.ActForChildAsync(flow.SessionId, child.IdNumber, service)).Error is not null)
                return Forbid(OpenIddictConstants.Errors.AccessDenied, "The parent may no longer act for this child.");
            await ActingFor.RecordDelegationAsync(database, flow.Client.ClientId!, child, flow.View.IdNumber, subject,
                flow.Client.Properties.ContainsKey(RelyingParties.SecurityEventsProperty));
        }
        if (flow.For?.Organisation is { } organisation)
            await cluster.GetGrain<Orleans.VNeID.Organisations.IOrganisationGrain>(organisation.Identifier).RecordUseAsync(flow.View.IdNumber, service);
        if (flow.Client.Properties.ContainsKey(RelyingParties.BackchannelLogoutProperty))
        {
            // Remembered before the code leaves, and checked again after: a session that ended meanwhile gets no token.
            await RelyingPartyRecords.RecordSessionAsync(database, flow.View.IdNumber, flow.SessionId, flow.Client.ClientId!, subject, identity.GetClaim("sid")!);
            if (await flow.Account.GetForSessionAsync(flow.SessionId) is null)
            {
                await RelyingPartyRecords.ForgetSessionAsync(database, flow.View.IdNumber, flow.SessionId, flow.Client.ClientId!);
                await http.SignOutAsync(CookieScheme);
                return Results.Redirect($"/signin?returnUrl={Uri.EscapeDataString(flow.Here)}");
            }
        }
        // The account's own events go to the subject the relying party knows the account by (a child has no account).
        if (flow.Client.Properties.ContainsKey(RelyingParties.SecurityEventsProperty) && flow.For?.Child is null)
            await RelyingPartyRecords.RecordSubjectAsync(database, flow.View.IdNumber, flow.Client.ClientId!, subject);
        // RFC 9449 §10: a code asked for with dpop_jkt (or pushed with a DPoP proof) is exchanged only with that key's proof.
        if (flow.Request.GetParameter(FapiTokens.CodeKeyParameter)?.ToString() is { Length: 43 } codeKey)
            identity.SetClaim(FapiTokens.CodeKeyClaim, codeKey);
        identity.SetAuthorizationId(await AuthorizationEndpoint.RecordSignInAsync(services.GetRequiredService<IOpenIddictAuthorizationManager>(),
            services.GetRequiredService<IOpenIddictApplicationManager>(), flow.Application, subject, identity.GetScopes(),
            new AuthorizationEndpoint.SignIn(flow.View.IdNumber, flow.SessionId, release, flow.For?.Value), services.GetRequiredService<TimeProvider>().GetUtcNow()));
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    internal static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static long? SignedInAfterValue(HttpContext http) =>
        long.TryParse((http.Request.HasFormContentType ? http.Request.Form[SignedInAfter] : http.Request.Query[SignedInAfter]).FirstOrDefault(),
            CultureInfo.InvariantCulture, out var since) ? since : null;

    private static string? Decision(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType ? http.Request.Form["decision"].FirstOrDefault() : null;

    /// <summary>
    /// The authorization request's parameters, as they came (query or form), without the antiforgery token and the
    /// named ones: carried to the sign-in page's return URL and through the consent form.
    /// </summary>
    internal static List<KeyValuePair<string, string?>> RequestParameters(HttpContext http, params string[] except)
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            http.Request.HasFormContentType ? http.Request.Form : http.Request.Query;
        return source.Where(p => !except.Contains(p.Key) && !p.Key.StartsWith("__", StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString())).ToList();
    }
}
