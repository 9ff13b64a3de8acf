namespace Orleans.VNeID.Gateway.Sessions;

/// <summary>
/// The name an owner will recognise a session by ("Chrome · Linux"), from the request's User-Agent. Shown to the owner
/// only, never used for a decision; null when nothing is recognised.
/// </summary>
public static class DeviceName
{
    private static readonly (string Token, string Name)[] Browsers =
        [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")];

    private static readonly (string Token, string Name)[] Systems =
        [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux")];

    public static string? From(HttpContext http) => From(http.Request.Headers.UserAgent.ToString());

    public static string? From(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return null;
        var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.Ordinal)).Name;
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return (browser, system) switch
        {
            (null, null) => null,
            (_, null) => browser!,
            (null, _) => system!,
            _ => $"{browser} · {system}",
        };
    }
}
