using Microsoft.Extensions.Configuration;
using Orleans.VNeID.Hosting;

namespace Orleans.VNeID.Silo;

internal static class PlatformConfiguration
{
    /// <summary>config/appsettings*.json, then VNEID_* environment variables, then the command line.</summary>
    public static IConfigurationBuilder AddPlatformConfiguration(this IConfigurationBuilder builder, string environmentName, string[] args)
    {
        foreach (var (path, optional) in ConfigDirectory.Files(environmentName)) builder.AddJsonFile(path, optional, reloadOnChange: false);
        return builder.AddEnvironmentVariables("VNEID_").AddCommandLine(args);
    }

    public static IConfiguration Build(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder().AddPlatformConfiguration(environment, args).Build();
    }
}
