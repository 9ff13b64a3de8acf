using Microsoft.AspNetCore;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.ServiceDefaults;
using Orleans.VNeID.Web;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>The OpenID Connect provider. Section <c>Oidc</c>.</summary>
public sealed class OidcOptions
{
    public const string Section = "Oidc";

    /// <summary>Whether the gateway serves the provider (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// PEM of the RSA private key (≥ 2048 bits) that signs ID and access tokens, or the path of a PEM file. Generated into
    /// .local/oidc in Development; required elsewhere.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>
    /// PEM of the EC P-256 private key that signs the ID and access tokens of FAPI 2.0 relying parties (ES256), or the path
    /// of a PEM file. Generated into .local/oidc in Development; required elsewhere.
    /// </summary>
    public string FapiSigningKey { get; set; } = "";

    /// <summary>PEMs of earlier FAPI signing keys, still published in the JWKS until the tokens they signed have expired.</summary>
    public List<string> PreviousFapiSigningKeys { get; set; } = [];

    /// <summary>PEMs of earlier signing keys, still published in the JWKS until the tokens they signed have expired.</summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>Base64 AES key (32 bytes) that encrypts authorization codes and refresh tokens. Generated into .local/oidc in Development.</summary>
    public string EncryptionKey { get; set; } = "";

    /// <summary>
    /// Base64 key (32 bytes) of the pairwise subjects (an HMAC of client and ID number); changing it changes every
    /// pairwise subject, so it is kept apart from the keys that rotate. Generated into .local/oidc in Development.
    /// </summary>
    public string PairwiseKey { get; set; } = "";

    /// <summary>
    /// The provider's public URL (the <c>iss</c> of its tokens). Empty: the gateway's first URL (<c>Gateway:Urls</c>). Set it
    /// to the https address when TLS is terminated in front of the gateway.
    /// </summary>
    public string Issuer { get; set; } = "";

    /// <summary>The issuer as a URI with a trailing slash, after <see cref="Issuer"/> has been filled in.</summary>
    public Uri IssuerUri => new(Issuer.EndsWith('/') ? Issuer : Issuer + "/", UriKind.Absolute);

    /// <summary>How long a pushed authorization request (its <c>request_uri</c>) may be used. Default 9 minutes (FAPI 2.0: under 10).</summary>
    public TimeSpan PushedRequestLifetime { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>How often the gateway looks for back-channel logouts and security events owed. Default 1 second.</summary>
    public TimeSpan LogoutPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between two attempts to deliver a back-channel logout, or a relying party's security events
    /// (attempts back off by doubling). Default 1 hour.
    /// </summary>
    public TimeSpan LogoutRetryMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a security event is retried before it is dead-lettered for operators. Default 3 days.</summary>
    public TimeSpan SecurityEventGiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Lifetimes. Defaults: codes 1 minute, access and ID tokens 5 minutes, refresh tokens 8 hours.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>How the gateway posts to relying parties: Development allows http and loopback; elsewhere https to public addresses only.</summary>
public sealed record DeliveryRules(bool Development)
{
    /// <summary>The longest a relying party may take to answer (to connect, then to send its headers; a refusal's body the same).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Why <paramref name="uri"/> may not be posted to now (it was registered under older rules), or null.</summary>
    public string? Refusal(string uri)
    {
        try
        {
            EndpointRules.Check(uri, "endpoint", Development);
            return null;
        }
        catch (ArgumentException refused)
        {
            return "refused: " + refused.Message;
        }
    }
}

/// <summary>One value per account level: a relying party asks for the level it needs (<c>acr_values</c>).</summary>
public static class Assurance
{
    public const string Level1 = "urn:vneid:level1";
    public const string Level2 = "urn:vneid:level2";
    public static readonly string[] Values = [Level1, Level2];
}

public static class OidcProvider
{
    /// <summary>
    /// OpenIddict's server on the platform's database: authorization code flow with PKCE (S256 only) and refresh tokens;
    /// no implicit, hybrid or password grant. Tokens are signed with RS256 keys published in the JWKS.
    /// </summary>
    public static WebApplicationBuilder AddOidcProvider(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (!options.Enabled) return builder;
        if (builder.Environment.IsDevelopment()) DevelopmentKeys.Fill(options);
        if (string.IsNullOrWhiteSpace(options.Issuer))
            options.Issuer = (builder.Configuration["Gateway:Urls"] ?? "http://127.0.0.1:8080").Split(';')[0];
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddProviderSignIn();
        builder.Services.AddWebArea();
        builder.Services.AddSingleton<IDPoPProofLedger, DatabaseProofLedger>();
        builder.Services.AddSingleton<DPoPProofs>();
        var fapiKey = EcKey(options.FapiSigningKey, "Oidc:FapiSigningKey");
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton(new DeliveryRules(development));
        AddRelyingPartyClient(builder.Services, BackChannelLogoutSender.HttpClientName, development);
        builder.Services.AddHostedService<BackChannelLogoutSender>();
        AddRelyingPartyClient(builder.Services, SecurityEventSender.HttpClientName, development);
        builder.Services.AddHostedService<SecurityEventSender>();

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
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Phone, Scopes.Email, ProviderClaims.LevelScope, Scopes.OfflineAccess);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.Birthdate, Claims.Gender, Claims.PhoneNumber, Claims.Email,
                    Claims.EmailVerified, "acr", Claims.AuthenticationMethodReference, Claims.AuthenticationTime, "sid", ProviderClaims.LevelClaim,
                    ProviderClaims.VerifiedClaims);
                server.SetAuthorizationCodeLifetime(options.AuthorizationCodeLifetime)
                    .SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(options.IdentityTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                // A refresh token is refused the moment it has been replaced (RFC 9700 §4.14.2): no reuse leeway, and a
                // replay revokes every token of that sign-in, which exposes a theft.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // The current key signs; earlier ones stay in the JWKS so tokens they signed still verify.
                server.AddSigningKey(RsaKey(options.SigningKey, "Oidc:SigningKey"));
                foreach (var (pem, index) in options.PreviousSigningKeys.Select((pem, index) => (pem, index)))
                    server.AddSigningKey(RsaKey(pem, $"Oidc:PreviousSigningKeys:{index}"));
                // After the RSA keys, so RS256 stays the default; FAPI 2.0 relying parties' tokens are signed with it (ES256).
                server.AddSigningCredentials(new SigningCredentials(fapiKey, SecurityAlgorithms.EcdsaSha256));
                foreach (var (pem, index) in options.PreviousFapiSigningKeys.Select((pem, index) => (pem, index)))
                    server.AddSigningCredentials(new SigningCredentials(EcKey(pem, $"Oidc:PreviousFapiSigningKeys:{index}"), SecurityAlgorithms.EcdsaSha256));
                server.AddEncryptionKey(new SymmetricSecurityKey(Convert.FromBase64String(options.EncryptionKey)));
                // Relying parties read access tokens as signed JWTs (their own APIs validate them with the JWKS).
                server.DisableAccessTokenEncryption();

                // S256 only: a plain PKCE challenge is refused.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["acr_values_supported"] = JsonSerializer.SerializeToElement(Assurance.Values);
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
        if (!app.Configuration.GetValue<bool>($"{OidcOptions.Section}:{nameof(OidcOptions.Enabled)}")) return app;
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

    private static ECDsaSecurityKey EcKey(string pem, string setting)
    {
        var ec = PrivateKey(pem, setting, ECDsa.Create(), "EC");
        if (ec.KeySize != 256) throw new InsecureConfigurationException($"{setting} is not on the P-256 curve (ES256).");
        return new ECDsaSecurityKey(ec) { KeyId = KeyId(ec) };
    }

    private static RsaSecurityKey RsaKey(string pem, string setting)
    {
        var rsa = PrivateKey(pem, setting, RSA.Create(), "RSA");
        if (rsa.KeySize < 2048) throw new InsecureConfigurationException($"{setting} is {rsa.KeySize} bits; at least 2048 are needed.");
        return new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
    }

    /// <summary>
    /// A private key from a setting that holds the PEM, or the path of a file that does (a multi-line key is awkward in
    /// an environment variable); refused when missing or not a PEM of that kind.
    /// </summary>
    private static T PrivateKey<T>(string pem, string setting, T key, string kind) where T : AsymmetricAlgorithm
    {
        if (!pem.Contains("-----BEGIN", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(pem) && File.Exists(pem)) pem = File.ReadAllText(pem);
        if (string.IsNullOrWhiteSpace(pem)) throw new InsecureConfigurationException($"{setting} is missing.");
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            throw new InsecureConfigurationException($"{setting} is not a PEM-encoded {kind} private key.");
        }
        return key;
    }

    private static string KeyId(AsymmetricAlgorithm key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
}

/// <summary>Sends an authorization error to the client's redirect URI when the client and the URI are registered together.</summary>
internal sealed class ReturnErrorsToTheClient(OpenIddict.Abstractions.IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ApplyAuthorizationResponseContext context)
    {
        if (context.RedirectUri is not null || context.Error is null || context.Request is not { ClientId: { } clientId, RedirectUri: { } redirectUri })
            return;
        if (await applications.FindByClientIdAsync(clientId) is not { } application) return;
        if (!await applications.ValidateRedirectUriAsync(application, redirectUri)) return;
        context.RedirectUri = redirectUri;
    }
}

/// <summary>Development only: the provider's keys, generated once into the git-ignored <c>.local/oidc/</c> and kept there.</summary>
internal static class DevelopmentKeys
{
    public static void Fill(OidcOptions options)
    {
        var folder = Path.Combine(Path.GetDirectoryName(ConfigDirectory.Locate())!, ".local", "oidc");
        Directory.CreateDirectory(folder);
        if (string.IsNullOrWhiteSpace(options.SigningKey))
            options.SigningKey = ReadOrCreate(Path.Combine(folder, "signing-key.pem"), () => RSA.Create(2048).ExportRSAPrivateKeyPem());
        if (string.IsNullOrWhiteSpace(options.FapiSigningKey))
            options.FapiSigningKey = ReadOrCreate(Path.Combine(folder, "fapi-signing-key.pem"),
                () => ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem());
        if (string.IsNullOrWhiteSpace(options.EncryptionKey))
            options.EncryptionKey = ReadOrCreate(Path.Combine(folder, "encryption-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (string.IsNullOrWhiteSpace(options.PairwiseKey))
            options.PairwiseKey = ReadOrCreate(Path.Combine(folder, "pairwise-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    private static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path)) return File.ReadAllText(path);
        var value = create();
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return value;
    }
}
