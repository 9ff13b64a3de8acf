using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IdentityCheck;

/// <summary>A request the desk sent to a wallet over the network, and its outcome once the wallet answered.</summary>
public sealed record OnlineRequest(string Id, string Nonce, string State, string ClientId, string ResponseUri, IReadOnlyList<string> Claims, DateTimeOffset CreatedAt)
{
    public CheckResult? Result { get; set; }

    /// <summary>The DCQL query (OpenID4VP 1.0 §6): one SD-JWT VC of the e-ID, the claims asked for.</summary>
    public string Dcql(string eidVct) => JsonSerializer.Serialize(new
    {
        credentials = new[]
        {
            new { id = "eid", format = "dc+sd-jwt", meta = new { vct_values = new[] { eidVct } }, claims = Claims.Select(c => new { path = new[] { c } }) },
        },
    });

    /// <summary>The wallet's address with this request (same device: a link; another device: its QR).</summary>
    public string WalletLink(string wallet, string eidVct) => QueryString(wallet, new Dictionary<string, string>
    {
        ["response_type"] = "vp_token", ["response_mode"] = "direct_post", ["client_id"] = ClientId, ["response_uri"] = ResponseUri,
        ["nonce"] = Nonce, ["state"] = State, ["dcql_query"] = Dcql(eidVct),
    });

    private static string QueryString(string address, Dictionary<string, string> values) =>
        address + "?" + string.Join('&', values.Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}"));
}

/// <summary>The desk's open requests (in memory, ten minutes each): each answered once, found by its state.</summary>
public sealed class OnlineRequests(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, OnlineRequest> _byId = new(StringComparer.Ordinal);

    public OnlineRequest Create(IReadOnlyList<string> claims, string responseUri)
    {
        foreach (var (id, old) in _byId) if (clock.GetUtcNow() - old.CreatedAt > Lifetime) _byId.TryRemove(id, out _);
        var request = new OnlineRequest(Random(), Random(), Random(), "redirect_uri:" + responseUri, responseUri, claims, clock.GetUtcNow());
        _byId[request.Id] = request;
        return request;
    }

    public OnlineRequest? Find(string id) => _byId.TryGetValue(id, out var request) && clock.GetUtcNow() - request.CreatedAt <= Lifetime ? request : null;

    /// <summary>The open request with this state, not yet answered; null for an unknown, expired or answered one.</summary>
    public OnlineRequest? Unanswered(string state) =>
        _byId.Values.FirstOrDefault(r => CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(r.State), System.Text.Encoding.ASCII.GetBytes(state)))
            is { Result: null } request && clock.GetUtcNow() - request.CreatedAt <= Lifetime ? request : null;

    private static string Random() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));
}
