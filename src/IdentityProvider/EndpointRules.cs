using System.Net;
using System.Net.Sockets;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>
/// Where the provider may send a relying party's citizen (redirect URIs) or post to it (back-channel logout, security
/// events). Outside Development: https only, no user name or password in the URI, no fragment, and never an address
/// inside the platform's networks (loopback, private, link-local, carrier-grade NAT, unique-local, multicast) — a
/// relying party must not turn the provider into a way to reach them. Development allows http and loopback, so the
/// sample portal and the tests run on one machine.
/// </summary>
public static class EndpointRules
{
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/127"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Whether an address is inside a network no relying party may point the provider at.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Internal.Any(network => network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address));
    }

    /// <summary>
    /// The URI when it may be registered as <paramref name="what"/>; otherwise an <see cref="ArgumentException"/> that says why.
    /// A host name is checked again, resolved, each time something is posted to it (<see cref="IsInternal"/>).
    /// </summary>
    public static Uri Check(string uri, string what, bool development)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
            throw new ArgumentException($"The {what} {uri} is not an absolute http(s) URI.");
        if (parsed.Fragment.Length > 0) throw new ArgumentException($"The {what} {uri} has a fragment.");
        if (parsed.UserInfo.Length > 0) throw new ArgumentException($"The {what} {uri} carries a user name or password.");
        if (development) return parsed;
        if (parsed.Scheme != "https") throw new ArgumentException($"The {what} {uri} is not https (only Development allows http).");
        if (parsed.IsLoopback || parsed.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
            (IPAddress.TryParse(parsed.IdnHost.Trim('[', ']'), out var address) && IsInternal(address)))
            throw new ArgumentException($"The {what} {uri} points inside the platform's networks.");
        return parsed;
    }

    /// <summary>
    /// Opens a connection to a relying party's endpoint: the host resolved once, refused when any of its addresses is
    /// internal (unless <paramref name="allowInternal"/>), and the connection made to exactly the addresses checked (no
    /// second lookup a rebinding name could change).
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowInternal, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        if (addresses.Length == 0) throw new HttpRequestException($"{endpoint.Host} has no address.");
        if (!allowInternal && addresses.Any(IsInternal))
            throw new HttpRequestException($"refused: {endpoint.Host} resolves to an internal address.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
