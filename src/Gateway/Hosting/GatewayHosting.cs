using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Accounts;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Security;
using Orleans.VNeID.Hosting;
using Orleans.VNeID.Notifications;
using Scalar.AspNetCore;

namespace Orleans.VNeID.Gateway.Hosting;

public static class GatewayHosting
{
    /// <summary>config/appsettings*.json, then VNEID_* environment variables, then the command line.</summary>
    public static WebApplicationBuilder AddPlatformConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        foreach (var (path, optional) in ConfigDirectory.Files(builder.Environment.EnvironmentName))
            builder.Configuration.AddJsonFile(path, optional, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("VNEID_").AddCommandLine(args);
        if (builder.Configuration["Gateway:Urls"] is { Length: > 0 } urls) builder.WebHost.UseUrls(urls);
        // Requests here are small JSON documents.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        return builder;
    }

    /// <summary>The Orleans client, finding silos through the ADO.NET membership table.</summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        // Tests host the gateway against an in-process cluster whose client they register themselves.
        if (builder.Configuration.GetValue<bool>("Gateway:ClusterClientProvided")) return builder;
        var connection = PlatformDatabase.OrleansConnectionString(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(builder.Configuration.GetSection("Cluster"));
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connection; });
            client.UseConnectionRetryFilter<RetryUntilStopped>();
        });
        return builder;
    }

    public static IServiceCollection AddGatewayServices(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
        services.AddValidatorsFromAssemblyContaining<DeclareAccountValidator>(ServiceLifetime.Singleton);
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section);
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Dictionary<string, ServiceAccount>>().BindConfiguration("ServiceAccounts");
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((o, issuer) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = issuer.ValidationParameters();
                o.Events = SessionCheck.Events;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.AnyAuthenticated, p => p.RequireRole(Roles.Citizen, Roles.Officer, Roles.Operator))
            .AddPolicy(Policies.Citizen, p => p.RequireRole(Roles.Citizen))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Officer, Roles.Operator))
            .AddPolicy(Policies.Operator, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Policies.Officer, p => p.RequireRole(Roles.Officer).RequireClaim(TokenIssuer.OfficeClaim));
        services.AddGatewayRateLimits();

        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        return services;
    }

    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 401/403/404/405 answers from the framework become problem details too.
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var code = ProblemCodes.ForStatus(status);
            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = { Status = status, Title = ProblemCodes.TitleFor(status), Type = ProblemCodes.TypeFor(status), Extensions = { ["code"] = code } },
            });
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description }),
        });
    }
}

/// <summary>Healthy when a silo answers and its database does.</summary>
public sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var database = await cluster.GetGrain<IPlatformHealthGrain>(0).IsDatabaseReachableAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return database ? HealthCheckResult.Healthy("A silo and its database answer.") : HealthCheckResult.Unhealthy("A silo answers; its database does not.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("No silo answered: " + ex.GetType().Name);
        }
    }
}

/// <summary>The gateway may start before any silo: keep trying to connect until the host stops.</summary>
public sealed class RetryUntilStopped : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }
}
