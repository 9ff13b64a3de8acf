using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>A relying party as registered: what the provider lets it ask for.</summary>
public sealed record RelyingParty(
    string ClientId,
    string DisplayName,
    bool Confidential,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> Scopes,
    int MinimumLevel,
    string? BackchannelLogoutUri,
    bool SeesIdNumber,
    string? SecurityEventsUri = null,
    bool Fapi = false,
    string? Jwks = null,
    bool AcceptsDelegation = false);

/// <summary>
/// Registers relying parties in OpenIddict's store: authorization code flow with PKCE only, exact redirect URIs, the
/// scopes they may ask for, their minimum level, their back-channel logout URI, the endpoint security event tokens are
/// pushed to (RFC 8935), and whether they may see the ID number
/// as the subject (otherwise they get a pairwise subject). Secrets are generated here and stored only as hashes.
/// </summary>
public sealed class RelyingParties(IOpenIddictApplicationManager applications, RelyingPartyRules rules)
{
    public const string MinimumLevelProperty = "vneid_minimum_level";
    public const string BackchannelLogoutProperty = "backchannel_logout_uri";
    public const string SeesIdNumberProperty = "vneid_sees_id_number";
    public const string SecurityEventsProperty = "security_events_uri";
    public const string FapiProperty = "vneid_fapi";
    /// <summary>It takes sign-ins of a parent on behalf of a child under 14 (the child the subject, the parent in <c>act</c>).</summary>
    public const string AcceptsDelegationProperty = "vneid_accepts_delegation";
    /// <summary>The scope of an organisation's claims, for a citizen who signs in on its behalf.</summary>
    public const string OrganisationScope = "organization";
    /// <summary>The platform's own client (the account console): no consent page, never a connected service, and it learns the account session.</summary>
    public const string FirstPartyProperty = "vneid_first_party";

    /// <summary>Whether the client is the platform's own.</summary>
    public static bool IsFirstParty(OpenIddictApplicationDescriptor client) => client.Properties.ContainsKey(FirstPartyProperty);

    /// <summary>The scopes a relying party may be allowed, beyond <c>openid</c>.</summary>
    public static readonly IReadOnlyList<string> KnownScopes = [Scopes.Profile, Scopes.Phone, Scopes.Email, "vneid_level", Scopes.OfflineAccess, OrganisationScope];

    /// <summary>Whether the client is registered to take a parent's sign-in on behalf of a child.</summary>
    public static bool AcceptsDelegation(OpenIddictApplicationDescriptor client) =>
        client.Properties.TryGetValue(AcceptsDelegationProperty, out var accepts) && accepts.ValueKind == JsonValueKind.True;

    /// <summary>Registers the relying party; returns its secret (shown once) for a confidential client, else null.</summary>
    public async Task<string?> AddAsync(RelyingParty party, CancellationToken cancellationToken = default)
    {
        if (await applications.FindByClientIdAsync(party.ClientId, cancellationToken) is not null)
            throw new InvalidOperationException($"A relying party with client id {party.ClientId} is already registered.");
        if (party.Scopes.Except(KnownScopes).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"Unknown scope {unknown}; known: {string.Join(", ", KnownScopes)}.");
        if (party.MinimumLevel is not (1 or 2)) throw new ArgumentException("The minimum level is 1 or 2.");
        if (party.RedirectUris.Count == 0) throw new ArgumentException("At least one exact redirect URI is needed.");
        // Where citizens are sent and where the provider posts: https outside Development, never inside the platform's networks.
        foreach (var uri in party.RedirectUris) EndpointRules.Check(uri, "redirect URI", rules.Development);
        foreach (var uri in party.PostLogoutRedirectUris) EndpointRules.Check(uri, "post-logout redirect URI", rules.Development);
        if (party.BackchannelLogoutUri is { } backchannel) EndpointRules.Check(backchannel, "back-channel logout URI", rules.Development);
        if (party.SecurityEventsUri is { } receiver) EndpointRules.Check(receiver, "security events URI", rules.Development);

        // A client that authenticates with its own keys (private_key_jwt) has no secret; a FAPI 2.0 client must.
        var keys = party.Jwks is null ? null : ClientKeys(party.Jwks);
        if (party.Fapi && keys is null) throw new ArgumentException("A FAPI 2.0 client needs its public keys (--jwks): it authenticates with private_key_jwt.");
        if (keys is not null && !party.Confidential) throw new ArgumentException("A public client has no keys to authenticate with.");
        var secret = party.Confidential && keys is null ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = party.ClientId,
            ClientSecret = secret,
            JsonWebKeySet = keys,
            ClientType = party.Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = party.DisplayName,
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in party.RedirectUris) descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        foreach (var uri in party.PostLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        descriptor.Permissions.UnionWith([
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code, Permissions.Endpoints.PushedAuthorization,
        ]);
        // FAPI 2.0: every authorization request pushed first (PAR); DPoP and ES256 are held to at the token endpoint.
        if (party.Fapi)
        {
            descriptor.Requirements.Add(Requirements.Features.PushedAuthorizationRequests);
            descriptor.Properties[FapiProperty] = JsonSerializer.SerializeToElement(true);
        }
        // Refresh tokens only for a relying party registered for offline_access.
        if (party.Scopes.Contains(Scopes.OfflineAccess)) descriptor.Permissions.Add(Permissions.GrantTypes.RefreshToken);
        foreach (var scope in party.Scopes) descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        descriptor.Properties[MinimumLevelProperty] = JsonSerializer.SerializeToElement(party.MinimumLevel);
        descriptor.Properties[SeesIdNumberProperty] = JsonSerializer.SerializeToElement(party.SeesIdNumber);
        if (party.BackchannelLogoutUri is { } logout)
            descriptor.Properties[BackchannelLogoutProperty] = JsonSerializer.SerializeToElement(new Uri(logout, UriKind.Absolute).AbsoluteUri);
        if (party.AcceptsDelegation) descriptor.Properties[AcceptsDelegationProperty] = JsonSerializer.SerializeToElement(true);
        if (party.SecurityEventsUri is { } events)
            descriptor.Properties[SecurityEventsProperty] = JsonSerializer.SerializeToElement(new Uri(events, UriKind.Absolute).AbsoluteUri);
        await applications.CreateAsync(descriptor, cancellationToken);
        return secret;
    }

    /// <summary>A client's public keys (a JWKS document): signature keys only, never a private part.</summary>
    public static Microsoft.IdentityModel.Tokens.JsonWebKeySet ClientKeys(string jwks)
    {
        Microsoft.IdentityModel.Tokens.JsonWebKeySet set;
        try
        {
            set = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks);
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            throw new ArgumentException("The client's keys are not a JWKS document.");
        }
        if (set.Keys.Count == 0) throw new ArgumentException("The client's JWKS holds no key.");
        foreach (var key in set.Keys)
        {
            if (key.HasPrivateKey || key.D is not null || key.K is not null)
                throw new ArgumentException($"The key {key.Kid} holds a private or symmetric part: register the public keys only.");
            if (key.Kty is not ("EC" or "RSA")) throw new ArgumentException($"The key {key.Kid} is neither EC nor RSA.");
            if (key.Use is { Length: > 0 } use && use != "sig") throw new ArgumentException($"The key {key.Kid} is not a signature key.");
        }
        return set;
    }

    public async Task<IReadOnlyList<RelyingParty>> ListAsync(CancellationToken cancellationToken = default)
    {
        var parties = new List<RelyingParty>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application, cancellationToken);
            parties.Add(new RelyingParty(
                descriptor.ClientId!,
                descriptor.DisplayName ?? descriptor.ClientId!,
                descriptor.ClientType == ClientTypes.Confidential,
                descriptor.RedirectUris.Select(u => u.AbsoluteUri).ToArray(),
                descriptor.PostLogoutRedirectUris.Select(u => u.AbsoluteUri).ToArray(),
                descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                    .Select(p => p[Permissions.Prefixes.Scope.Length..]).Order(StringComparer.Ordinal).ToArray(),
                descriptor.Properties.TryGetValue(MinimumLevelProperty, out var level) ? level.GetInt32() : 1,
                descriptor.Properties.TryGetValue(BackchannelLogoutProperty, out var logout) ? logout.GetString() : null,
                descriptor.Properties.TryGetValue(SeesIdNumberProperty, out var sees) && sees.GetBoolean(),
                descriptor.Properties.TryGetValue(SecurityEventsProperty, out var events) ? events.GetString() : null,
                descriptor.Properties.ContainsKey(FapiProperty),
                descriptor.JsonWebKeySet is { } set ? JsonSerializer.Serialize(set.Keys.Select(k => k.Kid)) : null,
                AcceptsDelegation(descriptor)));
        }
        return parties.OrderBy(p => p.ClientId, StringComparer.Ordinal).ToArray();
    }

    /// <returns>False when no relying party has this client id.</returns>
    public async Task<bool> RemoveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application) return false;
        await applications.DeleteAsync(application, cancellationToken);
        return true;
    }
}

public static class OidcStoreRegistration
{
    /// <summary>OpenIddict's core with its EF Core store on the platform's database, and <see cref="RelyingParties"/>.</summary>
    /// <param name="development">Development's rules for relying parties' URIs (http and loopback allowed).</param>
    public static OpenIddictBuilder AddOidcStore(this IServiceCollection services, string connectionString, bool development)
    {
        services.AddSingleton(new RelyingPartyRules(development));
        services.AddDbContextPool<OidcDbContext>(options => options.UseNpgsql(connectionString).UseOpenIddict());
        services.AddScoped<RelyingParties>();
        var builder = services.AddOpenIddict();
        builder.AddCore(options =>
        {
            options.UseEntityFrameworkCore().UseDbContext<OidcDbContext>();
            options.ReplaceApplicationManager(typeof(RelyingPartySecretManager<>));
        });
        return builder;
    }
}

/// <summary>The rules registration holds relying parties to: Development's (http and loopback allowed) or everywhere else's.</summary>
public sealed record RelyingPartyRules(bool Development);
