using System.Diagnostics;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>The real programs, started outside Development with the keys committed in the repository.</summary>
public class ProductionTests
{
    private static Dictionary<string, string> CommittedKeys()
    {
        using var development = JsonDocument.Parse(File.ReadAllText(Path.Combine(PlatformFixture.RepositoryRoot(), "config", "appsettings.Development.json")));
        var root = development.RootElement;
        return new()
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["VNEID_CONFIG_DIR"] = Path.Combine(PlatformFixture.RepositoryRoot(), "config"),
            ["VNEID_ConnectionStrings__VNeID"] = root.GetProperty("ConnectionStrings").GetProperty("VNeID").GetString()!,
            ["VNEID_Jwt__SigningKey"] = root.GetProperty("Jwt").GetProperty("SigningKey").GetString()!,
            ["VNEID_Otp__HashKey"] = root.GetProperty("Otp").GetProperty("HashKey").GetString()!,
            ["VNEID_Notifications__SealingKey"] = root.GetProperty("Notifications").GetProperty("SealingKey").GetString()!,
            ["VNEID_Audit__CheckpointKey"] = root.GetProperty("Audit").GetProperty("CheckpointKey").GetString()!,
        };
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string project, string assembly, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("dotnet", [PlatformFixture.Program(project, assembly)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PlatformFixture.RepositoryRoot(),
        };
        foreach (var (key, value) in env) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await error);
    }

    [Fact]
    public async Task Forged_staff_the_gateway_and_the_silo_refuse_to_start_outside_development_with_the_committed_keys()
    {
        var gateway = await RunAsync("Gateway", "vneid-gateway.dll", CommittedKeys());
        Assert.Equal(1, gateway.ExitCode);
        Assert.Contains("Jwt:SigningKey is the public Development value", gateway.Error);
        Assert.Contains("ConnectionStrings:VNeID uses the public Development database password", gateway.Error);
        // The OpenID Connect provider's keys are generated only in Development: elsewhere they must be configured.
        Assert.Contains("Oidc:EncryptionKey is missing", gateway.Error);
        Assert.Contains("Oidc:PairwiseKey is missing", gateway.Error);

        var silo = await RunAsync("Silo", "vneid-silo.dll", CommittedKeys());
        Assert.Equal(1, silo.ExitCode);
        Assert.Contains("Otp:HashKey is the public Development value", silo.Error);
        Assert.Contains("Notifications:SealingKey is the public Development value", silo.Error);
        Assert.Contains("Audit:CheckpointKey is the public Development value", silo.Error);
    }
}
