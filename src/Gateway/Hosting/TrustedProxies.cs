using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>
/// The real client address behind a TLS proxy or load balancer. Section <c>ForwardedHeaders</c>: <c>X-Forwarded-For</c>
/// and <c>X-Forwarded-Proto</c> are read only from the listed proxies or networks, so every per-address budget counts the
/// citizen, not the proxy, and a caller who is not a proxy cannot choose the address it is counted as. Nothing is
/// trusted by default; a setting that trusts every address (a /0 network) is refused at start.
/// </summary>
public sealed class TrustedProxyOptions : ISettingsSection
{
    public const string Section = "ForwardedHeaders";
    public static string ConfigurationSection => Section;

    /// <summary>Addresses of proxies whose forwarded headers are read (e.g. <c>10.0.0.5</c>).</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks of proxies whose forwarded headers are read, in CIDR form (e.g. <c>10.244.0.0/16</c>).</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are read from the end of X-Forwarded-For. Default 1.</summary>
    public int ForwardLimit { get; set; } = 1;
}

public static class TrustedProxies
{
    /// <summary>Reads the section and configures the forwarded-headers middleware; throws on a setting that trusts everyone or does not parse.</summary>
    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.Read<TrustedProxyOptions>();
        var (proxies, networks) = Parse(options);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = Math.Max(1, options.ForwardLimit);
            // The framework trusts loopback by default; here only what is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>The configured proxies and networks, or the reason the setting is refused (naming it).</summary>
    public static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks) Parse(TrustedProxyOptions options)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out var address))
                throw new InsecureConfigurationException($"{TrustedProxyOptions.Section}:TrustedProxies:{i} is not an IP address: '{options.TrustedProxies[i]}'.");
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
                throw new InsecureConfigurationException($"{TrustedProxyOptions.Section}:TrustedProxies:{i} names every address: each caller could choose the address it is counted as.");
            proxies.Add(address);
        }
        for (var i = 0; i < options.TrustedNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.TrustedNetworks[i], out var network))
                throw new InsecureConfigurationException($"{TrustedProxyOptions.Section}:TrustedNetworks:{i} is not a network in CIDR form: '{options.TrustedNetworks[i]}'.");
            if (network.PrefixLength == 0)
                throw new InsecureConfigurationException($"{TrustedProxyOptions.Section}:TrustedNetworks:{i} ({options.TrustedNetworks[i]}) trusts every address: each caller could choose the address it is counted as.");
            networks.Add(network);
        }
        return (proxies, networks);
    }
}
