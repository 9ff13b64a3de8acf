using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.Security;
using Orleans.VNeID.ServiceDefaults;
using Scalar.AspNetCore;

using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Web;

namespace Orleans.VNeID.Gateway.Hosting;

public static class GatewayHosting
{
    /// <summary>The listening addresses (<c>Gateway:Urls</c>) and Kestrel's limits.</summary>
    public static WebApplicationBuilder ConfigureGatewayEndpoints(this WebApplicationBuilder builder)
    {
        // The management port (Gateway:ManagementPort) serves /metrics apart from the public listener, as each silo's does.
        var gateway = builder.Configuration.Read<GatewaySettings>();
        var urls = gateway.Urls;
        if (ManagementPort(builder.Configuration) is { } port)
            urls = $"{(string.IsNullOrEmpty(urls) ? "http://127.0.0.1:8080" : urls)};http://{gateway.ManagementAddress}:{port}";
        if (urls is { Length: > 0 }) builder.WebHost.UseUrls(urls);
        // Requests here are small JSON documents.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        return builder;
    }

    /// <summary><c>Gateway:ManagementPort</c>, when set: the port of the management listener (<c>/metrics</c>).</summary>
    public static int? ManagementPort(IConfiguration configuration) =>
        configuration.Read<GatewaySettings>().ManagementPort is { } port and > 0 ? port : null;

    public static IServiceCollection AddGatewayServices(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemWriter.Complete);
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>().AddOperationTransformer<BearerRequirementTransformer>().AddOperationTransformer<IdNumberParameterTransformer>());
        services.AddValidatorsFromAssemblyContaining<DeclareAccountValidator>(ServiceLifetime.Singleton);
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section);
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Dictionary<string, ServiceAccount>>().BindConfiguration("ServiceAccounts");
        services.AddSingleton(TimeProvider.System);
        // The web area's pages (the provider's, the dashboard's sign-in).
        services.AddWebArea();
        // Forms the gateway serves (the dashboard's sign-in, the provider's pages) carry an antiforgery token.
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<Orleans.VNeID.Gateway.Dossiers.LookupChallenges>();
        services.AddSingleton<Orleans.VNeID.Gateway.Recovery.NfcChallenges>();
        services.AddSingleton<Orleans.VNeID.Gateway.Passkeys.PasskeyCeremonies>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer, IOptions<JwtOptions>>((o, issuer, jwt) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = issuer.ValidationParameters();
                if (jwt.Value.ValidatedTokenCacheEntries > 0)
                {
                    o.TokenHandlers.Clear();
                    o.TokenHandlers.Add(new ValidatedTokenCache(jwt.Value.ValidatedTokenCacheEntries, TimeProvider.System));
                }
                o.Events = SessionCheck.Events;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.AnyAuthenticated, p => p.RequireRole(Roles.Citizen, Roles.Officer, Roles.Operator))
            .AddPolicy(Policies.Citizen, p => p.RequireRole(Roles.Citizen))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Officer, Roles.Operator))
            .AddPolicy(Policies.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Policies.Officer, p => p.RequireRole(Roles.Officer).RequireClaim(TokenIssuer.OfficeClaim));
        services.AddGatewayRateLimits();

        // Readiness: a silo and its database answer (and the gateway's own database: the service defaults' check).
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [PlatformHealth.ReadyTag]);
        return services;
    }

    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        // First: the client's address and scheme as the trusted proxy saw them (ForwardedHeaders), for every budget and cookie.
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        // Empty 401/403/404/405 answers from the framework become problem details too.
        app.UseStatusCodePages(context => ProblemWriter.WriteStatusAsync(context.HttpContext));
        // A NUL or an unpaired surrogate in a query or route value is bad input, refused before any grain or database.
        app.UseStorableTextCheck();
        // A DPoP-bound access token at userinfo, handed to OpenIddict as it reads tokens (the proof is checked there).
        app.UseDPoPAccessTokens();
        ApiAuthentication.Use(app);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        // Prometheus text of the gateway's meters: HTTP server, Orleans client, Npgsql, runtime and the platform's own. Only on
        // the management port when there is one; on the public listener, for operators only.
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (ManagementPort(app.Configuration) is { } port) metrics.RequireHost($"*:{port}").AllowAnonymous();
        else metrics.RequireAuthorization(Policies.Operator);
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference();
        app.MapPlatformHealthChecks();
        return app;
    }
}
