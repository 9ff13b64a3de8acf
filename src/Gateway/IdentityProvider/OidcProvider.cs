using Microsoft.AspNetCore;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.ServiceDefaults;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

public static class OidcProvider
{
    /// <summary>
    /// OpenIddict's server on the platform's database: authorization code flow with PKCE (S256 only) and refresh tokens;
    /// no implicit, hybrid or password grant. Tokens are signed with RS256 keys published in the JWKS.
    /// </summary>
    /// <summary>
    /// The issuer when <c>Oidc:Issuer</c> is not set: the gateway's first listening address, with a loopback IPv4 address
    /// named <c>localhost</c> (the same machine; passkeys need a domain, browsers refuse WebAuthn on an IP address).
    /// </summary>
    public static string DefaultIssuer(string? gatewayUrls)
    {
        var first = (gatewayUrls ?? "http://127.0.0.1:8080").Split(';')[0];
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Host == "127.0.0.1"
            ? new UriBuilder(uri) { Host = "localhost" }.Uri.GetLeftPart(UriPartial.Authority)
            : first;
    }

    public static WebApplicationBuilder AddOidcProvider(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.Read<OidcOptions>();
        if (!options.Enabled) return builder;
        if (builder.Environment.IsDevelopment()) DevelopmentKeys.Fill(options);
        if (string.IsNullOrWhiteSpace(options.Issuer)) options.Issuer = DefaultIssuer(builder.Configuration.Read<GatewaySettings>().Urls);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddProviderSignIn();
        builder.Services.AddSingleton<IDPoPProofLedger, DatabaseProofLedger>();
        builder.Services.AddSingleton<DPoPProofs>();
        var fapiKey = ProviderKeys.Ec(options.FapiSigningKey, "Oidc:FapiSigningKey");
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(new DeliveryRules(development));
        AddRelyingPartyClient(builder.Services, BackChannelLogoutSender.HttpClientName, development);
        builder.Services.AddHostedService<BackChannelLogoutSender>();
        AddRelyingPartyClient(builder.Services, SecurityEventSender.HttpClientName, development);
        builder.Services.AddHostedService<SecurityEventSender>();
        builder.Services.AddHostedService<DelegationEnds>();

        builder.Services.AddOidcStore(PlatformDatabase.ConnectionString(builder.Configuration), builder.Environment.IsDevelopment())
            .AddServer(server =>
            {
                server.SetIssuer(options.IssuerUri);
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/logout")
                    .SetPushedAuthorizationEndpointUris("connect/par");
                server.Configure(o => o.RequestTokenLifetime = options.PushedRequestLifetime);
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowRefreshTokenFlow();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Phone, Scopes.Email, ProviderClaims.LevelScope, Scopes.OfflineAccess,
                    RelyingParties.OrganisationScope);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.Birthdate, Claims.Gender, Claims.PhoneNumber, Claims.Email,
                    Claims.EmailVerified, "acr", Claims.AuthenticationMethodReference, Claims.AuthenticationTime, "sid", ProviderClaims.LevelClaim,
                    ProviderClaims.VerifiedClaims, ActingFor.ActClaim, ActingFor.OrganizationClaim);
                server.SetAuthorizationCodeLifetime(options.AuthorizationCodeLifetime)
                    .SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(options.IdentityTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                // A refresh token is refused the moment it has been replaced (RFC 9700 §4.14.2): no reuse leeway, and a
                // replay revokes every token of that sign-in, which exposes a theft.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // The current key signs; earlier ones stay in the JWKS so tokens they signed still verify.
                server.AddSigningKey(ProviderKeys.Rsa(options.SigningKey, "Oidc:SigningKey"));
                foreach (var (pem, index) in options.PreviousSigningKeys.Select((pem, index) => (pem, index)))
                    server.AddSigningKey(ProviderKeys.Rsa(pem, $"Oidc:PreviousSigningKeys:{index}"));
                // After the RSA keys, so RS256 stays the default; FAPI 2.0 relying parties' tokens are signed with it (ES256).
                server.AddSigningCredentials(new SigningCredentials(fapiKey, SecurityAlgorithms.EcdsaSha256));
                foreach (var (pem, index) in options.PreviousFapiSigningKeys.Select((pem, index) => (pem, index)))
                    server.AddSigningCredentials(new SigningCredentials(ProviderKeys.Ec(pem, $"Oidc:PreviousFapiSigningKeys:{index}"), SecurityAlgorithms.EcdsaSha256));
                server.AddEncryptionKey(new SymmetricSecurityKey(Convert.FromBase64String(options.EncryptionKey)));
                // Relying parties read access tokens as signed JWTs (their own APIs validate them with the JWKS).
                server.DisableAccessTokenEncryption();

                // S256 only: a plain PKCE challenge is refused.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["acr_values_supported"] = JsonSerializer.SerializeToElement(Assurance.Values);
                    // How a sign-in is proved (RFC 8176): the password, a code to the phone on record, a passkey bound to a device
                    // (hwk) or synced (swk), a phone approving a QR sign-in (mca), and mfa when two factors were proved.
                    context.Metadata["amr_values_supported"] = JsonSerializer.SerializeToElement(ProviderSignIn.MethodsSupported);
                    context.Metadata["backchannel_logout_supported"] = true;
                    context.Metadata["backchannel_logout_session_supported"] = true;
                    context.Metadata["subject_types_supported"] = JsonSerializer.SerializeToElement(new[] { "public", "pairwise" });
                    context.Metadata["claims_parameter_supported"] = true;
                    // OpenID Connect for Identity Assurance 1.0.
                    context.Metadata["verified_claims_supported"] = true;
                    context.Metadata["trust_frameworks_supported"] = JsonSerializer.SerializeToElement(new[] { ProviderClaims.TrustFramework });
                    context.Metadata["evidence_supported"] = JsonSerializer.SerializeToElement(new[] { "document", "electronic_record" });
                    context.Metadata["documents_supported"] = JsonSerializer.SerializeToElement(new[] { "idcard" });
                    context.Metadata["documents_check_methods_supported"] = JsonSerializer.SerializeToElement(new[] { "vpip", "bvr" });
                    context.Metadata["electronic_records_supported"] = JsonSerializer.SerializeToElement(new[] { "population_register" });
                    context.Metadata["claims_in_verified_claims_supported"] = JsonSerializer.SerializeToElement(ProviderClaims.Verifiable);
                    // FAPI 2.0: sender-constrained tokens by DPoP (RFC 9449), the issuer in authorization responses (RFC 9207).
                    context.Metadata["dpop_signing_alg_values_supported"] = JsonSerializer.SerializeToElement(DPoPProofs.Algorithms);
                    context.Metadata["authorization_response_iss_parameter_supported"] = true;
                    return default;
                // After OpenIddict's own metadata, which says the claims parameter is not supported (this provider reads it).
                }).SetOrder(int.MaxValue - 10_000));

                // RFC 6749 §4.1.2.1: an error in a request whose client and redirect URI are valid goes back to that redirect
                // URI (OpenIddict shows a page for errors found before it has checked the redirect URI). Only an exact
                // registered URI of that client is used; a missing or wrong one still gets the page.
                server.AddEventHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>(handler => handler.UseScopedHandler<ReturnErrorsToTheClient>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 1));

                // FAPI 2.0 relying parties: their ID and access tokens signed ES256; a DPoP-bound access token is of type DPoP.
                server.AddEventHandler<OpenIddictServerEvents.GenerateTokenContext>(handler => handler.UseInlineHandler(context =>
                {
                    if (context.Transaction.GetHttpRequest()?.HttpContext.Items.ContainsKey(FapiTokens.ProfileItem) == true &&
                        context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
                        context.SigningCredentials = context.Options.SigningCredentials.First(c => c.Algorithm == SecurityAlgorithms.EcdsaSha256);
                    FapiTokens.Confirm(context, context.Transaction.GetHttpRequest()?.HttpContext);
                    return default;
                }).SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1));
                // OpenIddict checks only certificate-bound tokens (mutual TLS) and refuses any other cnf; DPoP-bound tokens are
                // checked by the provider itself (FapiTokens.CheckBoundAsync), and mutual TLS is not offered.
                server.RemoveEventHandler(OpenIddictServerHandlers.Protection.ValidateProofOfPossession.Descriptor);
                server.AddEventHandler<OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext>(handler =>
                    handler.UseScopedHandler<FapiTokens.BindPushedRequest>().SetOrder(int.MaxValue - 100_000));
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler.UseInlineHandler(context =>
                {
                    if (context.Error is null && context.Response.AccessToken is not null && context.Transaction.GetHttpRequest()?.HttpContext.Items.ContainsKey(FapiTokens.BoundItem) == true)
                        context.Response.TokenType = DPoPProofs.Scheme;
                    return default;
                }).SetOrder(int.MinValue + 100_000));

                // TLS is terminated in front of the gateway (it listens on loopback); the issuer is the public URL.
                server.UseAspNetCore().DisableTransportSecurityRequirement().EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough().EnableEndSessionEndpointPassthrough().EnableTokenEndpointPassthrough();
            });
        return builder;
    }

    /// <summary>The provider's pages and endpoints, when it is on.</summary>
    public static WebApplication MapOidcProvider(this WebApplication app)
    {
        if (!app.Configuration.Read<OidcOptions>().Enabled) return app;
        app.MapProviderEndpoints();
        app.MapConnectedServices();
        app.MapSecurityEventDeliveries();
        return app;
    }

    /// <summary>
    /// The HTTP client that posts to relying parties, whose endpoints are hostile: no redirect followed (a 307 would re-post
    /// the token elsewhere), a short timeout, small response headers, and connections only to addresses outside the
    /// platform's networks (Development allows loopback).
    /// </summary>
    private static void AddRelyingPartyClient(IServiceCollection services, string name, bool development) =>
        services.AddHttpClient(name, client => client.Timeout = DeliveryRules.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                MaxResponseHeadersLength = 16,
                ConnectTimeout = DeliveryRules.Timeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = (context, cancellationToken) => EndpointRules.ConnectAsync(context.DnsEndPoint, development, cancellationToken),
            });
}
