using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.VNeID.LoadDriver;

/// <summary>The external load and ceiling tools (Debian packages): wrk for HTTP, pgbench for PostgreSQL.</summary>
public static partial class Tools
{
    public sealed record WrkResult(double Rps, double P50Ms, double P99Ms, long Errors);

    public static async Task<string> RunAsync(string program, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await error}");
        return await output + await error;
    }

    /// <summary>wrk with two threads; the Lua script spreads requests over the accounts and their tokens.</summary>
    public static async Task<WrkResult> WrkAsync(string url, int connections, string duration, string? script, string? header = null)
    {
        var args = new List<string> { "-t2", $"-c{connections}", $"-d{duration}", "--latency" };
        if (script is not null) args.AddRange(["-s", script]);
        if (header is not null) args.AddRange(["-H", header]);
        args.Add(url);
        var text = await RunAsync("wrk", args);
        double Ms(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch { "us" => 0.001, "ms" => 1, "s" => 1000, _ => 60_000 };
        var rps = double.Parse(RpsPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var percentiles = PercentilePattern().Matches(text).ToDictionary(m => m.Groups[1].Value, m => Ms(m.Groups[2].Value, m.Groups[3].Value));
        var non2xx = Non2xxPattern().Match(text);
        var socketErrors = SocketErrorPattern().Match(text);
        long errors = (non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0) +
                      (socketErrors.Success ? socketErrors.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0);
        return new WrkResult(Math.Round(rps), Math.Round(percentiles["50"], 2), Math.Round(percentiles["99"], 2), errors);
    }

    /// <summary>pgbench transactions per second for a custom script, excluding connection set-up.</summary>
    public static async Task<double> PgbenchAsync(string connectionString, string scriptPath, int clients, int seconds)
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var text = await RunAsync("pgbench", ["-n", "-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username!,
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", scriptPath, cs.Database!],
            new Dictionary<string, string> { ["PGPASSWORD"] = cs.Password ?? "" });
        var tps = TpsPattern().Match(text);
        return tps.Success ? Math.Round(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException("pgbench printed no rate:\n" + text);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")] private static partial Regex RpsPattern();
    [GeneratedRegex(@"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\b", RegexOptions.Multiline)] private static partial Regex PercentilePattern();
    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")] private static partial Regex Non2xxPattern();
    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")] private static partial Regex SocketErrorPattern();
    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")] private static partial Regex TpsPattern();
}
