using Orleans.VNeID.ServiceDefaults;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.IdentityProvider;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.AccountConsole;

/// <summary>
/// The account console signs citizens in through the provider itself, as its first-party client (like Keycloak's account
/// console): the authorization code flow with PKCE, handled by ASP.NET Core's OpenID Connect handler, the code redeemed
/// at the gateway's own token endpoint. Its cookie holds the account and the account session the sign-in opened, and is
/// honoured only while that session is open: a lock, a logout or a password change ends it at the next request.
/// </summary>
public static class ConsoleSignIn
{
    public const string CookieScheme = "vneid-citizen";
    public const string ProviderScheme = "vneid-console-oidc";
    public const string ClientId = "vneid-console";
    public const string Home = "/account";
    public const string CallbackPath = Home + "/signin-oidc";

    private static readonly object ViewKey = new();

    /// <summary>The console, when the provider it signs in through is on (<c>Oidc:Enabled</c>).</summary>
    public static WebApplicationBuilder AddAccountConsole(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.Read<Orleans.VNeID.Gateway.IdentityProvider.OidcOptions>().Enabled) builder.Services.AddConsoleSignIn(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddConsoleSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "vneid.citizen";
                cookie.Cookie.Path = Home;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                cookie.SlidingExpiration = true;
                cookie.ForwardChallenge = ProviderScheme;
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddOpenIdConnect(ProviderScheme, _ => { });
        // Configured from the provider's own options: its issuer, its signing keys (read in process, nothing fetched) and
        // its token endpoint reached on the gateway's own listener (Console:ProviderAddress to reach it elsewhere).
        services.AddOptions<OpenIdConnectOptions>(ProviderScheme)
            .Configure<IOptions<OidcOptions>, IOptionsMonitor<OpenIddictServerOptions>>((o, oidc, server) =>
            {
                var issuer = oidc.Value.IssuerUri;
                var backChannel = BackChannel(configuration, issuer);
                o.SignInScheme = CookieScheme;
                o.ClientId = ClientId;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.CallbackPath = CallbackPath;
                o.Scope.Clear();
                o.Scope.Add(Scopes.OpenId);
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.RequireHttpsMetadata = false;
                o.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = issuer.AbsoluteUri,
                    AuthorizationEndpoint = new Uri(issuer, "connect/authorize").AbsoluteUri,
                    TokenEndpoint = new Uri(backChannel, "connect/token").AbsoluteUri,
                };
                o.TokenValidationParameters.ValidIssuer = issuer.AbsoluteUri;
                o.TokenValidationParameters.NameClaimType = Claims.Subject;
                o.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) =>
                    server.CurrentValue.SigningCredentials.Select(c => c.Key);
                o.CorrelationCookie.Path = Home;
                o.NonceCookie.Path = Home;
                o.Events.OnRedirectToIdentityProvider = async context =>
                {
                    var request = context.Request;
                    if (!string.Equals(request.Host.Value, issuer.Authority, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(request.Method))
                    {
                        // The console lives on the issuer's address: its cookies and the registered redirect URI are there.
                        context.HandleResponse();
                        context.Response.Redirect(new Uri(issuer, (request.Path + request.QueryString).TrimStart('/')).AbsoluteUri);
                        return;
                    }
                    await EnsureClientAsync(context.HttpContext, issuer);
                    // Always the issuer's own address: the console's cookies and the registered redirect URI live there.
                    context.ProtocolMessage.RedirectUri = new Uri(issuer, CallbackPath.TrimStart('/')).AbsoluteUri;
                    if (Orleans.VNeID.Web.WebPage.English(context.HttpContext)) context.ProtocolMessage.UiLocales = "en";
                };
                o.Events.OnAuthorizationCodeReceived = context =>
                {
                    context.TokenEndpointRequest!.RedirectUri = new Uri(issuer, CallbackPath.TrimStart('/')).AbsoluteUri;
                    return Task.CompletedTask;
                };
                o.Events.OnTokenValidated = context =>
                {
                    // The console keeps only what it needs: whose account, and which of its sessions.
                    var token = context.Principal!;
                    var identity = new ClaimsIdentity(CookieScheme, Claims.Subject, Claims.Role);
                    identity.AddClaim(new Claim(Claims.Subject, token.FindFirstValue(Claims.Subject)!));
                    identity.AddClaim(new Claim(ProviderClaims.SessionClaim, token.FindFirstValue(ProviderClaims.SessionClaim) ?? ""));
                    context.Principal = new ClaimsPrincipal(identity);
                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = context =>
                {
                    // A refused or broken sign-in (the citizen declined, a stale callback): back to the console, which starts again.
                    context.HandleResponse();
                    context.Response.Redirect(Home + "?signin=failed");
                    return Task.CompletedTask;
                };
            });
        return services;
    }

    /// <summary>
    /// Where the console redeems codes: <c>Console:ProviderAddress</c>, else the gateway's own first listening address
    /// (a wildcard host read as loopback), else the issuer.
    /// </summary>
    private static Uri BackChannel(IConfiguration configuration, Uri issuer)
    {
        var address = configuration.Read<ConsoleSettings>().ProviderAddress ?? configuration.Read<GatewaySettings>().Urls?.Split(';')[0];
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"), UriKind.Absolute, out var uri)) return issuer;
        var builder = new UriBuilder(uri) { Path = "/" };
        if (builder.Host is "0.0.0.0") builder.Host = "127.0.0.1";
        if (builder.Host is "[::]" or "::") builder.Host = "[::1]";
        return builder.Uri;
    }

    /// <summary>The account the console's cookie names, read with its session: null when the session has ended.</summary>
    public static AccountView? ViewOf(HttpContext http) => http.Items[ViewKey] as AccountView;

    public static string? AccountOf(ClaimsPrincipal user) => user.FindFirstValue(Claims.Subject);

    public static string? SessionOf(ClaimsPrincipal user) => user.FindFirstValue(ProviderClaims.SessionClaim);

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var account = AccountOf(context.Principal!);
        var session = SessionOf(context.Principal!);
        var cluster = context.HttpContext.RequestServices.GetRequiredService<IClusterClient>();
        var view = account is null || string.IsNullOrEmpty(session) ? null : await cluster.Account(account).GetForSessionAsync(session);
        if (view is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        context.HttpContext.Items[ViewKey] = view;
    }

    /// <summary>
    /// Registers the console with the provider on first use (and again when the issuer moved): a public client with PKCE,
    /// redirected only to the console's callback at the issuer, first-party.
    /// </summary>
    private static async Task EnsureClientAsync(HttpContext http, Uri issuer)
    {
        var applications = http.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        var callback = new Uri(issuer, CallbackPath.TrimStart('/'));
        var existing = await applications.FindByClientIdAsync(ClientId);
        if (existing is not null && (await applications.GetRedirectUrisAsync(existing)).Contains(callback.AbsoluteUri)) return;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Tài khoản định danh điện tử của tôi (VNeID)",
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            RedirectUris = { callback },
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
            Permissions.ResponseTypes.Code]);
        descriptor.Properties[RelyingParties.MinimumLevelProperty] = JsonSerializer.SerializeToElement(1);
        descriptor.Properties[RelyingParties.SeesIdNumberProperty] = JsonSerializer.SerializeToElement(true);
        descriptor.Properties[RelyingParties.FirstPartyProperty] = JsonSerializer.SerializeToElement(true);
        try
        {
            if (existing is null) await applications.CreateAsync(descriptor);
            else await applications.UpdateAsync(existing, descriptor);
        }
        catch (Exception) when (existing is null)
        {
            // Another gateway registered it at the same moment: theirs stands if it has this callback.
            if (await applications.FindByClientIdAsync(ClientId) is not { } other || !(await applications.GetRedirectUrisAsync(other)).Contains(callback.AbsoluteUri))
                throw;
        }
    }
}
