namespace Orleans.VNeID.ServiceDefaults;

/// <summary>Arguments both hosts start with.</summary>
public static class HostArguments
{
    /// <summary>
    /// The default host watches its content root (the working directory: the repository, with PostgreSQL's data folder
    /// and the logs inside it) recursively to reload appsettings.json on change. Every database write then woke a file
    /// watcher: 14 % of a silo's CPU under a declaration load (docs/benchmarks.md). The platform's configuration is read
    /// once at start (config/ is loaded without reload too), so the watching buys nothing.
    /// </summary>
    public static string[] WithoutConfigReload(string[] args) => [.. args, "--hostBuilder:reloadConfigOnChange=false"];
}
