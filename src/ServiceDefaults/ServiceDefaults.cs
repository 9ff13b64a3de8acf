using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// What the silo, the gateway and the command-line tools do the same way (after dotnet/eShop's ServiceDefaults):
/// configuration from <c>config/</c> with <c>VNEID_*</c> environment overrides, the platform's database data source,
/// the health-check registry and OpenTelemetry (<see cref="Telemetry"/>).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The prefix of environment variables that override settings (<c>VNEID_Otp__ValiditySeconds=300</c>).</summary>
    public const string EnvironmentPrefix = "VNEID_";

    /// <summary>Adds the platform's configuration, data source and health checks to a host.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string[] args) where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.AddPlatformConfiguration(builder.Environment.EnvironmentName, args);
        builder.AddOutageLogThrottle();
        builder.Services.AddPlatformDataSource(builder.Configuration);
        // Every host's readiness includes its database, through AspNetCore.HealthChecks.NpgSql.
        builder.Services.AddHealthChecks().AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: "database",
            tags: [PlatformHealth.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        builder.AddPlatformTelemetry();
        return builder;
    }

    /// <summary>config/appsettings.json, calendar.json, appsettings.{environment}.json, then VNEID_* variables, then the command line.</summary>
    public static IConfigurationBuilder AddPlatformConfiguration(this IConfigurationBuilder builder, string environmentName, string[] args)
    {
        foreach (var (path, optional) in ConfigDirectory.Files(environmentName)) builder.AddJsonFile(path, optional, reloadOnChange: false);
        return builder.AddEnvironmentVariables(EnvironmentPrefix).AddCommandLine(args);
    }

    /// <summary>The configuration a command-line tool reads (no host): the environment from <c>DOTNET_ENVIRONMENT</c>, Production by default.</summary>
    public static IConfiguration BuildToolConfiguration(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
        return new ConfigurationBuilder().AddPlatformConfiguration(environment, args).Build();
    }

    /// <summary>One <see cref="NpgsqlDataSource"/> per process for the platform's own schemas, tuned by <see cref="PlatformDatabase"/>.</summary>
    public static IServiceCollection AddPlatformDataSource(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(PlatformDatabase.ConnectionString(configuration)));
        return services;
    }
}
