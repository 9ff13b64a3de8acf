using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IdentityCheck;

/// <summary>An issuer this desk trusts, and the status lists it keeps a copy of for checks without a network.</summary>
public sealed class TrustedIssuer
{
    public string Issuer { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> StatusLists { get; set; } = [];
}

/// <summary>The verifier's settings. Section <c>Verifier</c>.</summary>
public sealed class VerifierOptions
{
    public List<TrustedIssuer> TrustedIssuers { get; set; } = [];
    /// <summary>How often the keys and status lists are fetched again while the network is there.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How old an in-person presentation (its key-binding JWT's iat) may be.</summary>
    public TimeSpan QrLifetime { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The VNeID wallet's address for requests over the network (OpenID4VP): the console's answering page.</summary>
    public string Wallet { get; set; } = "http://127.0.0.1:8080/account/wallet/present";

    /// <summary>Where the fetched keys and lists are kept, so a desk that starts without a network still checks. Optional.</summary>
    public string? CacheFile { get; set; }
}

/// <summary>A status list as last fetched: its statuses (2 bits each, least significant first), when, and its ttl.</summary>
public sealed record HeldStatusList(string Uri, int Bits, byte[] Statuses, DateTimeOffset FetchedAt, TimeSpan Ttl, DateTimeOffset? Expires)
{
    public int? StatusAt(int index)
    {
        var bit = (long)index * Bits;
        if (index < 0 || bit / 8 >= Statuses.Length) return null;
        return (Statuses[bit / 8] >> (int)(bit % 8)) & ((1 << Bits) - 1);
    }
}

/// <summary>What the desk holds of one issuer: its published keys (JWKS) and when they were fetched.</summary>
public sealed record HeldIssuer(string Issuer, string Name, string Jwks, DateTimeOffset FetchedAt);

/// <summary>
/// The desk's own trust list: for each trusted issuer, its keys (from <c>/.well-known/jwt-vc-issuer</c>) and its
/// status lists (each a <c>statuslist+jwt</c> signed by those keys), fetched at start and every
/// <see cref="VerifierOptions.RefreshEvery"/>, kept in memory and in <see cref="VerifierOptions.CacheFile"/>. A check
/// reads only what is held here: it needs no network at the moment it is made.
/// </summary>
public sealed class TrustStore(IOptions<VerifierOptions> options, IHttpClientFactory http, TimeProvider clock, ILogger<TrustStore> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, HeldIssuer> _issuers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HeldStatusList> _lists = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    public VerifierOptions Options => options.Value;
    public IReadOnlyCollection<HeldStatusList> Lists => _lists.Values.ToArray();
    public string? LastError { get; private set; }

    public HeldIssuer? Issuer(string issuer) => _issuers.GetValueOrDefault(issuer);
    public HeldStatusList? List(string uri) => _lists.GetValueOrDefault(uri);

    public IReadOnlyList<SecurityKey> Keys(string issuer) =>
        _issuers.TryGetValue(issuer, out var held) ? [.. new JsonWebKeySet(held.Jwks).GetSigningKeys()] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Load();
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken);
            // A refresh that failed (the issuer not up yet, the network gone) is tried again within seconds.
            var wait = LastError is null ? options.Value.RefreshEvery : TimeSpan.FromSeconds(Math.Min(5, options.Value.RefreshEvery.TotalSeconds));
            await Task.Delay(wait, clock, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>Fetches every trusted issuer's keys and lists again; what cannot be fetched keeps its last copy.</summary>
    public async Task RefreshAsync(CancellationToken cancellation = default)
    {
        await _refreshing.WaitAsync(cancellation);
        try
        {
            LastError = null;
            using var client = http.CreateClient();
            client.Timeout = TimeSpan.FromSeconds(10);
            foreach (var trusted in options.Value.TrustedIssuers)
            {
                try
                {
                    await FetchAsync(client, trusted, cancellation);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or ArgumentException or SecurityTokenException
                                              or InvalidDataException)
                {
                    LastError = $"{trusted.Issuer}: {e.Message}";
                    log.LogWarning("Could not refresh {Issuer}: {Error}", trusted.Issuer, e.Message);
                }
            }
            Save();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task FetchAsync(HttpClient client, TrustedIssuer trusted, CancellationToken cancellation)
    {
        using var metadata = JsonDocument.Parse(await client.GetStringAsync(trusted.Issuer.TrimEnd('/') + "/.well-known/jwt-vc-issuer", cancellation));
        if (metadata.RootElement.GetProperty("issuer").GetString() != trusted.Issuer)
            throw new ArgumentException("the metadata names another issuer");
        var jwks = metadata.RootElement.GetProperty("jwks").GetRawText();
        var keys = new JsonWebKeySet(jwks).GetSigningKeys();
        foreach (var uri in trusted.StatusLists)
        {
            var token = await client.GetStringAsync(uri, cancellation);
            _lists[uri] = await ReadListAsync(token, uri, keys);
        }
        _issuers[trusted.Issuer] = new HeldIssuer(trusted.Issuer, trusted.Name, jwks, clock.GetUtcNow());
    }

    /// <summary>A status list token checked (type statuslist+jwt, the issuer's signature, its subject the list's URI) and read.</summary>
    private async Task<HeldStatusList> ReadListAsync(string token, string uri, IEnumerable<SecurityKey> keys)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false, ValidateAudience = false, IssuerSigningKeys = keys, ValidTypes = ["statuslist+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], LifetimeValidator = (_, _, _, _) => true,
        });
        if (!result.IsValid) throw new SecurityTokenException("the status list's signature does not verify: " + result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        if (jwt.Subject != uri) throw new SecurityTokenException("the status list names another URI");
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var list = payload.RootElement.GetProperty("status_list");
        var bits = list.GetProperty("bits").GetInt32();
        if (bits is not (1 or 2 or 4 or 8)) throw new InvalidDataException("bits must be 1, 2, 4 or 8");
        var statuses = Compression.Inflate(Base64UrlEncoder.DecodeBytes(list.GetProperty("lst").GetString()), 1 << 20);
        var ttl = payload.RootElement.TryGetProperty("ttl", out var t) ? TimeSpan.FromSeconds(t.GetInt64()) : options.Value.RefreshEvery;
        DateTimeOffset? expires = payload.RootElement.TryGetProperty("exp", out var e) ? DateTimeOffset.FromUnixTimeSeconds(e.GetInt64()) : null;
        return new HeldStatusList(uri, bits, statuses, clock.GetUtcNow(), ttl, expires);
    }

    private sealed record Cache(List<HeldIssuer> Issuers, List<HeldStatusList> Lists);

    private void Load()
    {
        if (options.Value.CacheFile is not { Length: > 0 } file || !File.Exists(file)) return;
        try
        {
            var cache = JsonSerializer.Deserialize<Cache>(File.ReadAllText(file));
            var trusted = options.Value.TrustedIssuers.Select(t => t.Issuer).ToHashSet();
            foreach (var issuer in cache?.Issuers ?? []) if (trusted.Contains(issuer.Issuer)) _issuers[issuer.Issuer] = issuer;
            foreach (var list in cache?.Lists ?? []) _lists[list.Uri] = list;
        }
        catch (JsonException e)
        {
            log.LogWarning("The cache {File} could not be read: {Error}", file, e.Message);
        }
    }

    private void Save()
    {
        if (options.Value.CacheFile is not { Length: > 0 } file) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, JsonSerializer.Serialize(new Cache([.. _issuers.Values], [.. _lists.Values])));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The desk still checks with what it holds in memory; only a restart without a network would miss the copy.
            log.LogWarning("The cache {File} could not be written: {Error}", file, e.Message);
        }
    }
}
