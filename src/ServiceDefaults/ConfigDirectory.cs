namespace Orleans.VNeID.ServiceDefaults;

/// <summary>Finds the repository's <c>config/</c> folder, which every host reads its settings from.</summary>
public static class ConfigDirectory
{
    /// <summary>Environment variable that names the folder explicitly.</summary>
    public const string Variable = "VNEID_CONFIG_DIR";

    /// <summary><c>$VNEID_CONFIG_DIR</c>, else the first <c>config/appsettings.json</c> above the working or the program's folder.</summary>
    public static string Locate()
    {
        var explicitDir = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(explicitDir)) return Path.GetFullPath(explicitDir);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config");
                if (File.Exists(Path.Combine(candidate, "appsettings.json"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException($"No config/appsettings.json found; set {Variable}.");
    }

    /// <summary>The files a host reads, in order: shared settings, the holiday calendar, then the environment's.</summary>
    public static IEnumerable<(string Path, bool Optional)> Files(string environmentName)
    {
        var dir = Locate();
        yield return (Path.Combine(dir, "appsettings.json"), false);
        yield return (Path.Combine(dir, "calendar.json"), true);
        yield return (Path.Combine(dir, $"appsettings.{environmentName}.json"), true);
    }
}
