using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Consent remembered: one permanent authorization per citizen (as the relying party knows them: its subject) and
/// relying party in OpenIddict's store, holding what was released. The consent page is shown again only when a request
/// asks for more than that (or with <c>prompt=consent</c>); the citizen withdraws it from the account console.
/// </summary>
public static class ConsentRecords
{
    private const string ReleaseProperty = "vneid_consented";
    private const string GivenByProperty = "vneid_given_by";

    /// <summary>Whether the citizen has already allowed this relying party everything <paramref name="asked"/> holds.</summary>
    public static async Task<bool> CoversAsync(IOpenIddictAuthorizationManager authorizations, string applicationId, string subject,
        ProviderClaims.Release asked)
    {
        var given = await GivenAsync(authorizations, applicationId, subject);
        return given is not null && Covers(given, asked);
    }

    /// <summary>Whether <paramref name="given"/> includes every item of <paramref name="asked"/>.</summary>
    public static bool Covers(ProviderClaims.Release given, ProviderClaims.Release asked) =>
        (!asked.Profile || given.Profile) && asked.Verified.All(given.Verified.Contains) && (!asked.Phone || given.Phone) &&
        (!asked.Email || given.Email) && (!asked.Level || given.Level) && (!asked.Offline || given.Offline) &&
        (!asked.Organization || given.Organization);

    /// <summary>Remembers the consent just given, together with what was given before (one record per citizen and relying party).</summary>
    /// <param name="givenBy">For a child under 14: the ID number of the parent who gave the consent on the child's behalf.</param>
    public static async Task RememberAsync(IOpenIddictAuthorizationManager authorizations, string applicationId, string subject,
        ProviderClaims.Release release, IEnumerable<string> scopes, DateTimeOffset now, string? givenBy = null)
    {
        var union = release;
        var scopeSet = new HashSet<string>(scopes, StringComparer.Ordinal);
        foreach (var existing in await ListAsync(Permanent(authorizations, applicationId, subject)))
        {
            if (Read(await authorizations.GetPropertiesAsync(existing)) is { } before)
                union = new ProviderClaims.Release(union.Profile || before.Profile, [.. union.Verified.Union(before.Verified)],
                    union.Phone || before.Phone, union.Email || before.Email, union.Level || before.Level, union.Offline || before.Offline,
                    union.Organization || before.Organization);
            scopeSet.UnionWith(await authorizations.GetScopesAsync(existing));
            await authorizations.TryRevokeAsync(existing);
        }
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId, Subject = subject, Type = AuthorizationTypes.Permanent, Status = Statuses.Valid, CreationDate = now,
        };
        descriptor.Scopes.UnionWith(scopeSet);
        descriptor.Properties[ReleaseProperty] = JsonSerializer.SerializeToElement(ProviderClaims.Serialize(union));
        if (givenBy is not null) descriptor.Properties[GivenByProperty] = JsonSerializer.SerializeToElement(givenBy);
        await authorizations.CreateAsync(descriptor);
    }

    /// <summary>What the citizen has allowed this relying party, or null when nothing is remembered.</summary>
    public static async Task<ProviderClaims.Release?> GivenAsync(IOpenIddictAuthorizationManager authorizations, string applicationId, string subject)
    {
        foreach (var existing in await ListAsync(Permanent(authorizations, applicationId, subject)))
            if (Read(await authorizations.GetPropertiesAsync(existing)) is { } given) return given;
        return null;
    }

    /// <summary>When the remembered consent was (last) given.</summary>
    public static async Task<DateTimeOffset?> SinceAsync(IOpenIddictAuthorizationManager authorizations, string applicationId, string subject)
    {
        foreach (var existing in await ListAsync(Permanent(authorizations, applicationId, subject))) return await authorizations.GetCreationDateAsync(existing);
        return null;
    }

    /// <summary>What a release gives, in the claim and scope names a relying party knows.</summary>
    public static IReadOnlyList<string> Describe(ProviderClaims.Release release)
    {
        var items = new List<string> { "sub" };
        if (release.Profile) items.AddRange(["name", "birthdate", "gender"]);
        items.AddRange(release.Verified.Select(claim => $"verified_claims.{claim}"));
        if (release.Phone) items.Add("phone_number");
        if (release.Email) items.Add("email");
        if (release.Level) items.Add(ProviderClaims.LevelClaim);
        if (release.Offline) items.Add("offline_access");
        if (release.Organization) items.Add(ActingFor.OrganizationClaim);
        return items;
    }

    /// <summary>Read whole before acting on the items: the store's context answers one query at a time.</summary>
    private static async Task<List<object>> ListAsync(IAsyncEnumerable<object> items)
    {
        var list = new List<object>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    private static IAsyncEnumerable<object> Permanent(IOpenIddictAuthorizationManager authorizations, string applicationId, string subject) =>
        authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes: null);

    private static ProviderClaims.Release? Read(System.Collections.Immutable.ImmutableDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(ReleaseProperty, out var release) && release.ValueKind == JsonValueKind.String
            ? ProviderClaims.Deserialize(release.GetString())
            : null;
}
