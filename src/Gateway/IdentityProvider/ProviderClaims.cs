using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.IdentityProvider;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// What a relying party receives. Data the population database confirmed (level 1) or an officer checked against the
/// papers (level 2) goes out as OpenID Connect for Identity Assurance 1.0 <c>verified_claims</c>, with the trust
/// framework, the time and the evidence; self-declared data (the e-mail the citizen added) only as plain claims.
/// </summary>
public static partial class ProviderClaims
{
    public const string SessionClaim = "vneid_sid";
    public const string LevelClaim = "vneid_level";
    public const string AccountClaim = "vneid_account";
    public const string VerifiedClaims = "verified_claims";
    public const string LevelScope = "vneid_level";

    /// <summary>The trust framework: Decree 59/2022/NĐ-CP on electronic identification and authentication.</summary>
    public const string TrustFramework = "vn_decree_59_2022";

    /// <summary>The claims the provider can release as verified.</summary>
    public static readonly string[] Verifiable = [Claims.Name, Claims.Birthdate, Claims.Gender];

    /// <summary>What the relying party will receive, decided from the request alone, so the consent page and the tokens agree.</summary>
    public sealed record Release(bool Profile, IReadOnlyList<string> Verified, bool Phone, bool Email, bool Level, bool Offline = false,
        bool Organization = false);

    /// <summary>
    /// The release for a request, within the client's registration: plain profile claims with the <c>profile</c> scope;
    /// verified claims as the <c>claims</c> parameter asks for them (only those the provider can verify, and only to a
    /// client registered for <c>profile</c>), or, without it, the verified form of the profile; refresh tokens
    /// (<c>offline_access</c>) only when asked and registered.
    /// </summary>
    public static Release For(OpenIddictRequest request, OpenIddictApplicationDescriptor client)
    {
        bool Registered(string scope) => client.Permissions.Contains(Permissions.Prefixes.Scope + scope);
        var asked = RequestedVerifiedClaims(request.GetParameter(Parameters.Claims)?.ToString());
        var verified = !Registered(Scopes.Profile) ? [] : asked ?? (request.HasScope(Scopes.Profile) ? Verifiable : []);
        return new Release(request.HasScope(Scopes.Profile) && Registered(Scopes.Profile), verified,
            request.HasScope(Scopes.Phone) && Registered(Scopes.Phone), request.HasScope(Scopes.Email) && Registered(Scopes.Email),
            request.HasScope(LevelScope) && Registered(LevelScope),
            request.HasScope(Scopes.OfflineAccess) && Registered(Scopes.OfflineAccess),
            request.HasScope(RelyingParties.OrganisationScope) && Registered(RelyingParties.OrganisationScope));
    }

    /// <summary>The release as the provider keeps it with a sign-in's authorization (for userinfo), and back.</summary>
    public static string Serialize(Release release) => JsonSerializer.Serialize(release);

    public static Release? Deserialize(string? json) => json is null ? null : JsonSerializer.Deserialize<Release>(json);

    /// <summary>The verifiable claims named under <c>verified_claims.claims</c> in the <c>claims</c> parameter; null when it asks for none.</summary>
    public static IReadOnlyList<string>? RequestedVerifiedClaims(string? claimsParameter)
    {
        if (string.IsNullOrWhiteSpace(claimsParameter)) return null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(claimsParameter);
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is not JsonObject targets) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var target in new[] { "id_token", "userinfo" })
        {
            if (targets[target] is not JsonObject members || members[VerifiedClaims] is not { } requested) continue;
            any = true;
            var items = requested is JsonArray array ? array.ToList() : new List<JsonNode?> { requested };
            foreach (var item in items)
                if (item is JsonObject { } one && one["claims"] is JsonObject claims)
                    names.UnionWith(claims.Select(c => c.Key));
        }
        return any ? Verifiable.Where(names.Contains).ToArray() : null;
    }

    /// <summary>
    /// The identity OpenIddict puts into the code, and from it into the ID token and access token; userinfo builds it
    /// again from the account. The ID token carries the released claims; the access token only the subject, for the one
    /// API it is good for (its audience: the userinfo endpoint). <paramref name="acr"/> is the level this authentication
    /// met for this request.
    /// </summary>
    /// <remarks>
    /// Acting for a child (<paramref name="acting"/>): the subject, the profile and the verified claims are the child's,
    /// the parent is the actor (<c>act</c>, RFC 8693 §4.1) with the relationship's evidence, and none of the parent's own
    /// contact data or level goes out. Acting for an organisation: the person's claims, and the organisation's in
    /// <c>organization</c>. The tokens still hang on the parent's (the person's) account session.
    /// </remarks>
    public static ClaimsIdentity Identity(IEnumerable<string> scopes, Release release, string acr, AccountView view, ProfileView? profile,
        VerificationView? verification, ClaimsPrincipal citizen, OpenIddictApplicationDescriptor client, OidcOptions options,
        ActingFor.Acting? acting = null, DateOnly? today = null)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        var key = Convert.FromBase64String(options.PairwiseKey);
        var sessionId = citizen.FindFirst(SessionClaim)?.Value ?? "";
        var child = acting?.Child;
        identity.SetClaim(Claims.Subject, Subject(options, client, child?.IdNumber ?? view.IdNumber));
        identity.SetClaim("sid", RelyingPartySid(key, client.ClientId!, sessionId));
        identity.SetClaim("acr", acr);
        // Kept only inside the (encrypted) code and refresh token, never sent to the relying party: which account and
        // which of its sessions the tokens hang on.
        identity.SetClaim(AccountClaim, view.IdNumber);
        identity.SetClaim(SessionClaim, sessionId);
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. citizen.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value)]);
        if (long.TryParse(citizen.FindFirst(Claims.AuthenticationTime)?.Value, CultureInfo.InvariantCulture, out var authTime))
            identity.SetClaim(Claims.AuthenticationTime, authTime);
        if (child is not null)
        {
            if (release.Profile)
            {
                identity.SetClaim(Claims.Name, child.FullName);
                identity.SetClaim(Claims.Birthdate, Day(child.DateOfBirth));
                identity.SetClaim(Claims.Gender, Gender(child.Gender));
            }
            if (release.Verified.Count > 0) identity.SetClaim(VerifiedClaims, ActingFor.ChildVerified(release.Verified, child, today ?? default));
            identity.SetClaim(ActingFor.ActClaim, ActingFor.Actor(Subject(options, client, view.IdNumber), release.Profile ? view.FullName : null, child, today ?? default));
        }
        else
        {
            AddOwnClaims(identity, release, view, profile, verification);
            if (acting?.Organisation is { } organisation) identity.SetClaim(ActingFor.OrganizationClaim, ActingFor.Organisation(organisation));
        }
        if (acting is not null) identity.SetClaim(ActingFor.ActingClaim, acting.Value);
        // Held to FAPI 2.0 at the token endpoint (DPoP, ES256): kept in the code and refresh token only.
        if (client.Properties.ContainsKey(RelyingParties.FapiProperty)) identity.SetClaim(FapiTokens.ProfileClaim, "true");
        identity.SetScopes(scopes.Where(scope => scope != Scopes.OfflineAccess || release.Offline));
        identity.SetResources(UserInfoAudience(options));
        identity.SetDestinations(claim => claim.Type switch
        {
            // The platform's own console learns which account session it is bound to; no relying party ever does.
            SessionClaim when RelyingParties.IsFirstParty(client) => [Destinations.IdentityToken],
            AccountClaim or SessionClaim or FapiTokens.ProfileClaim or FapiTokens.CodeKeyClaim or ActingFor.ActingClaim => [],
            Claims.Subject => [Destinations.IdentityToken, Destinations.AccessToken],
            _ => [Destinations.IdentityToken],
        });
        return identity;
    }

    /// <summary>The account owner's own claims, as released.</summary>
    private static void AddOwnClaims(ClaimsIdentity identity, Release release, AccountView view, ProfileView? profile, VerificationView? verification)
    {
        if (release.Profile)
        {
            identity.SetClaim(Claims.Name, view.FullName);
            identity.SetClaim(Claims.Birthdate, Birthdate(view));
            identity.SetClaim(Claims.Gender, Gender(view));
        }
        if (release.Verified.Count > 0 && verification is not null)
            identity.SetClaim(VerifiedClaims, Verified(release.Verified, view, verification));
        if (release.Phone && profile?.Fields.FirstOrDefault(f => f.Name == "phone")?.Value is { } phone)
            identity.SetClaim(Claims.PhoneNumber, phone);
        if (release.Email && view.Email is { } email)
        {
            // Self-declared (confirmed by a code sent to it, not by the registry): a plain claim only.
            identity.SetClaim(Claims.Email, email);
            identity.SetClaim(Claims.EmailVerified, true);
        }
        if (release.Level) identity.SetClaim(LevelClaim, (int)view.Level);
    }

    /// <summary>The audience of the provider's access tokens: its userinfo endpoint, the one API they are good for.</summary>
    public static string UserInfoAudience(OidcOptions options) => new Uri(options.IssuerUri, "connect/userinfo").AbsoluteUri;

    /// <summary>The subject a relying party knows the citizen by: the ID number if it is registered to see it, else pairwise.</summary>
    public static string Subject(OidcOptions options, OpenIddictApplicationDescriptor client, string idNumber) =>
        client.Properties.TryGetValue(RelyingParties.SeesIdNumberProperty, out var sees) && sees.GetBoolean()
            ? idNumber
            : Pairwise(Convert.FromBase64String(options.PairwiseKey), client.ClientId!, idNumber);

    /// <summary>
    /// The <c>verified_claims</c> element: the verification (framework, level, the day, the kind of evidence) and the
    /// claims it covers. Nothing in it identifies the check itself — no dossier code, no officer, no office, no time of
    /// day — so it cannot link one citizen across relying parties that pairwise subjects keep apart.
    /// </summary>
    public static JsonElement Verified(IReadOnlyList<string> names, AccountView view, VerificationView verification)
    {
        var values = new Dictionary<string, string>
        {
            [Claims.Name] = view.FullName, [Claims.Birthdate] = Birthdate(view), [Claims.Gender] = Gender(view),
        };
        var authority = new Dictionary<string, object?> { ["name"] = "Bộ Công an", ["country_code"] = "VNM" };
        // A foreigner's identity stands on the passport and the immigration database, never on an ID card or the population database.
        // A foreigner's passport is the one in force: a renewed passport replaced the one the account was opened with.
        var id = IdentityNumber.Parse(view.TravelDocument ?? view.IdNumber);
        object evidence;
        DateTimeOffset time;
        if (view.Level == AccountLevel.Level2 && verification.InPerson is { } check)
        {
            time = check.CheckedAt;
            evidence = new Dictionary<string, object?>
            {
                ["type"] = "document",
                ["check_details"] = new object[]
                {
                    // Physical in-person proofing: an officer checked the citizen and the card at a police office's desk.
                    new Dictionary<string, object?> { ["check_method"] = "vpip", ["organization"] = "Bộ Công an" },
                    // Biometric verification: portrait and fingerprints matched against the ID-card database.
                    new Dictionary<string, object?> { ["check_method"] = "bvr", ["organization"] = "Bộ Công an" },
                },
                ["time"] = Day(check.CheckedAt),
                ["document_details"] = id.IsCitizen
                    ? new Dictionary<string, object?> { ["type"] = "idcard", ["issuer"] = authority }
                    : new Dictionary<string, object?>
                    {
                        ["type"] = "passport", ["document_number"] = id.DocumentNumber,
                        ["issuer"] = new Dictionary<string, object?> { ["country_code"] = id.IssuingCountry },
                    },
            };
        }
        else
        {
            time = verification.RegistryCheckedAt;
            evidence = new Dictionary<string, object?>
            {
                ["type"] = "electronic_record",
                ["check_details"] = new object[] { new Dictionary<string, object?> { ["check_method"] = "data" } },
                ["time"] = Day(time),
                ["record"] = id.IsCitizen
                    ? new Dictionary<string, object?>
                    {
                        ["type"] = "population_register",
                        ["source"] = new Dictionary<string, object?> { ["name"] = "Cơ sở dữ liệu quốc gia về dân cư", ["country_code"] = "VNM" },
                    }
                    : new Dictionary<string, object?>
                    {
                        ["type"] = "immigration_register",
                        ["source"] = new Dictionary<string, object?> { ["name"] = "Cơ sở dữ liệu quốc gia về xuất nhập cảnh", ["country_code"] = "VNM" },
                    },
            };
        }
        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["verification"] = new Dictionary<string, object>
            {
                ["trust_framework"] = TrustFramework,
                ["assurance_level"] = view.Level == AccountLevel.Level2 ? Assurance.Level2 : Assurance.Level1,
                ["time"] = Day(time),
                ["evidence"] = new[] { evidence },
            },
            ["claims"] = names.ToDictionary(n => n, n => values[n]),
        });
    }

    /// <summary>A subject per relying party: the same citizen is unlinkable across services that may not see the ID number.</summary>
    public static string Pairwise(byte[] key, string clientId, string idNumber) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"pairwise\n{clientId}\n{idNumber}")))[..27];

    /// <summary>The <c>sid</c> a relying party sees for an account session: its back-channel logout names it; unlinkable across relying parties.</summary>
    public static string RelyingPartySid(byte[] key, string clientId, string sessionId) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"sid\n{clientId}\n{sessionId}")))[..22];

    private static string Birthdate(AccountView view) => view.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Gender(AccountView view) => Gender(view.Gender);

    internal static string Gender(Orleans.VNeID.Identity.Gender gender) => gender == Orleans.VNeID.Identity.Gender.Male ? "male" : "female";

    /// <summary>The day of a verification (ISO 8601 date; reduced precision, as OpenID Connect for Identity Assurance allows).</summary>
    internal static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
