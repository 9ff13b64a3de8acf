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
public static class ProviderClaims
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
    public sealed record Release(bool Profile, IReadOnlyList<string> Verified, bool Phone, bool Email, bool Level);

    /// <summary>
    /// The release for a request: plain profile claims with the <c>profile</c> scope; verified claims as the <c>claims</c>
    /// parameter asks for them (only those the provider can verify), or, without it, the verified form of the profile.
    /// </summary>
    public static Release For(OpenIddictRequest request)
    {
        var asked = RequestedVerifiedClaims(request.GetParameter(Parameters.Claims)?.ToString());
        var verified = asked ?? (request.HasScope(Scopes.Profile) ? Verifiable : []);
        return new Release(request.HasScope(Scopes.Profile), verified, request.HasScope(Scopes.Phone), request.HasScope(Scopes.Email),
            request.HasScope(LevelScope));
    }

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

    /// <summary>The consent page's lines: exactly what <see cref="Identity"/> will put in the tokens.</summary>
    public static List<string> ConsentLines(HttpContext http, Release release)
    {
        string T(string vi, string en) => ProviderPages.T(http, vi, en);
        var lines = new List<string> { T("Mã định danh của bạn tại dịch vụ này", "Your identifier at this service") };
        if (release.Verified.Count > 0)
            lines.Add(T($"Đã xác thực với Cơ sở dữ liệu quốc gia về dân cư: {string.Join(", ", release.Verified.Select(c => Label(c, true)))}",
                $"Verified against the population database: {string.Join(", ", release.Verified.Select(c => Label(c, false)))}"));
        if (release.Profile && release.Verified.Count < Verifiable.Length)
            lines.Add(T("Họ và tên, ngày sinh, giới tính", "Full name, date of birth, gender"));
        if (release.Phone) lines.Add(T("Số điện thoại đăng ký", "Registered phone number"));
        if (release.Email) lines.Add(T("Thư điện tử (do bạn tự khai)", "E-mail (declared by you)"));
        if (release.Level) lines.Add(T("Mức độ tài khoản định danh điện tử", "The e-ID account's level"));
        return lines;
    }

    private static string Label(string claim, bool vietnamese) => (claim, vietnamese) switch
    {
        (Claims.Name, true) => "họ và tên",
        (Claims.Name, false) => "full name",
        (Claims.Birthdate, true) => "ngày sinh",
        (Claims.Birthdate, false) => "date of birth",
        (Claims.Gender, true) => "giới tính",
        _ => "gender",
    };

    /// <summary>The identity OpenIddict puts into the code, and from it into the ID token, access token and userinfo.</summary>
    public static ClaimsIdentity Identity(OpenIddictRequest request, Release release, AccountView view, ProfileView? profile,
        VerificationView? verification, ClaimsPrincipal citizen, OpenIddictApplicationDescriptor client, OidcOptions options,
        Func<string, string?> officeName)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        var seesId = client.Properties.TryGetValue(RelyingParties.SeesIdNumberProperty, out var sees) && sees.GetBoolean();
        var key = Convert.FromBase64String(options.PairwiseKey);
        var sessionId = citizen.FindFirst(SessionClaim)?.Value ?? "";
        identity.SetClaim(Claims.Subject, seesId ? view.IdNumber : Pairwise(key, client.ClientId!, view.IdNumber));
        identity.SetClaim("sid", RelyingPartySid(key, client.ClientId!, sessionId));
        identity.SetClaim("acr", view.Level == AccountLevel.Level2 ? Assurance.Level2 : Assurance.Level1);
        // Kept only inside the (encrypted) code and refresh token, never sent to the relying party: which account and
        // which of its sessions the tokens hang on.
        identity.SetClaim(AccountClaim, view.IdNumber);
        identity.SetClaim(SessionClaim, sessionId);
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. citizen.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value)]);
        if (long.TryParse(citizen.FindFirst(Claims.AuthenticationTime)?.Value, CultureInfo.InvariantCulture, out var authTime))
            identity.SetClaim(Claims.AuthenticationTime, authTime);
        if (release.Profile)
        {
            identity.SetClaim(Claims.Name, view.FullName);
            identity.SetClaim(Claims.Birthdate, Birthdate(view));
            identity.SetClaim(Claims.Gender, Gender(view));
        }
        if (release.Verified.Count > 0 && verification is not null)
            identity.SetClaim(VerifiedClaims, Verified(release.Verified, view, verification, officeName,
                officer => OfficerReference(key, client.ClientId!, officer)));
        if (release.Phone && profile?.Fields.FirstOrDefault(f => f.Name == "phone")?.Value is { } phone)
            identity.SetClaim(Claims.PhoneNumber, phone);
        if (release.Email && view.Email is { } email)
        {
            // Self-declared (confirmed by a code sent to it, not by the registry): a plain claim only.
            identity.SetClaim(Claims.Email, email);
            identity.SetClaim(Claims.EmailVerified, true);
        }
        if (release.Level) identity.SetClaim(LevelClaim, (int)view.Level);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(claim => claim.Type is AccountClaim or SessionClaim ? [] : [Destinations.IdentityToken, Destinations.AccessToken]);
        return identity;
    }

    /// <summary>The <c>verified_claims</c> element: the verification (framework, level, time, evidence) and the claims it covers.</summary>
    public static JsonElement Verified(IReadOnlyList<string> names, AccountView view, VerificationView verification, Func<string, string?> officeName,
        Func<string, string> officerReference)
    {
        var values = new Dictionary<string, string>
        {
            [Claims.Name] = view.FullName, [Claims.Birthdate] = Birthdate(view), [Claims.Gender] = Gender(view),
        };
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
                    // Physical in-person proofing: the officer checked the citizen and the card at the office's desk.
                    new Dictionary<string, object?>
                    {
                        ["check_method"] = "vpip", ["organization"] = officeName(check.OfficeCode) ?? check.OfficeCode,
                        ["txn"] = check.DossierCode, ["time"] = Time(check.CheckedAt), ["vneid_officer"] = officerReference(check.OfficerId),
                    },
                    // Biometric verification: portrait and fingerprints matched against the ID-card database.
                    new Dictionary<string, object?> { ["check_method"] = "bvr", ["organization"] = officeName(check.OfficeCode) ?? check.OfficeCode },
                },
                ["time"] = Time(check.CheckedAt),
                ["document_details"] = new Dictionary<string, object?>
                {
                    ["type"] = "idcard",
                    ["issuer"] = new Dictionary<string, object?> { ["name"] = "Bộ Công an", ["country_code"] = "VNM" },
                },
            };
        }
        else
        {
            time = verification.RegistryCheckedAt;
            evidence = new Dictionary<string, object?>
            {
                ["type"] = "electronic_record",
                ["check_details"] = new object[] { new Dictionary<string, object?> { ["check_method"] = "data", ["time"] = Time(time) } },
                ["time"] = Time(time),
                ["record"] = new Dictionary<string, object?>
                {
                    ["type"] = "population_register",
                    ["source"] = new Dictionary<string, object?> { ["name"] = "Cơ sở dữ liệu quốc gia về dân cư", ["country_code"] = "VNM" },
                },
            };
        }
        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["verification"] = new Dictionary<string, object>
            {
                ["trust_framework"] = TrustFramework,
                ["assurance_level"] = view.Level == AccountLevel.Level2 ? Assurance.Level2 : Assurance.Level1,
                ["time"] = Time(time),
                ["evidence"] = new[] { evidence },
            },
            ["claims"] = names.ToDictionary(n => n, n => values[n]),
        });
    }

    /// <summary>A subject per relying party: the same citizen is unlinkable across services that may not see the ID number.</summary>
    public static string Pairwise(byte[] key, string clientId, string idNumber) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"pairwise\n{clientId}\n{idNumber}")))[..27];

    /// <summary>
    /// The officer who checked the citizen, as a relying party sees it: a reference the platform can resolve (it holds the
    /// key), never the officer's client id, and different at each relying party, so officers cannot be listed or followed.
    /// </summary>
    public static string OfficerReference(byte[] key, string clientId, string officerId) =>
        "ofr-" + Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"officer\n{clientId}\n{officerId}")))[..16];

    /// <summary>The <c>sid</c> a relying party sees for an account session: its back-channel logout names it; unlinkable across relying parties.</summary>
    public static string RelyingPartySid(byte[] key, string clientId, string sessionId) =>
        Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"sid\n{clientId}\n{sessionId}")))[..22];

    private static string Birthdate(AccountView view) => view.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Gender(AccountView view) => view.Gender == Orleans.VNeID.Identity.Gender.Male ? "male" : "female";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
