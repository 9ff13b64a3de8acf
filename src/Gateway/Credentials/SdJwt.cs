using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// Selective Disclosure for JWTs (RFC 9901) as SD-JWT VC uses it: each selectively disclosable claim becomes a disclosure
/// (<c>[salt, name, value]</c>, base64url) whose SHA-256 digest stands in the signed payload's <c>_sd</c>; the holder shows
/// the signed JWT with only the disclosures it chooses. The JWT itself is made and signed by Microsoft.IdentityModel.
/// </summary>
public static class SdJwt
{
    public const string Type = "dc+sd-jwt";
    public const string DigestAlgorithm = "sha-256";

    /// <summary>
    /// The issued SD-JWT (<c>jwt~disclosure~...~</c>): <paramref name="always"/> in the clear (iss, vct, cnf, status,
    /// times), every claim of <paramref name="disclosable"/> behind a digest, with a few decoy digests so the number of
    /// claims shows nothing.
    /// </summary>
    public static string Issue(IReadOnlyDictionary<string, object?> always, IReadOnlyDictionary<string, object?> disclosable, SigningCredentials signing)
    {
        var disclosures = disclosable.Select(claim => Disclosure(claim.Key, claim.Value)).ToList();
        var digests = disclosures.Select(Digest)
            .Concat(Enumerable.Range(0, 1 + RandomNumberGenerator.GetInt32(3)).Select(_ => Digest(Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)))))
            .Order(StringComparer.Ordinal).ToArray();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in always) if (value is not null) claims[name] = value;
        claims["_sd"] = digests;
        claims["_sd_alg"] = DigestAlgorithm;
        var jwt = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = signing,
            TokenType = Type,
        });
        return jwt + "~" + string.Concat(disclosures.Select(d => d + "~"));
    }

    /// <summary>A disclosure: the base64url of the JSON array [salt, claim name, claim value].</summary>
    public static string Disclosure(string name, object? value)
    {
        var array = new JsonArray(Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)), name, JsonSerializer.SerializeToNode(value));
        return Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(array.ToJsonString()));
    }

    /// <summary>The digest of a disclosure as it stands in <c>_sd</c>: base64url of SHA-256 over its ASCII form.</summary>
    public static string Digest(string disclosure) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(disclosure)));
}
