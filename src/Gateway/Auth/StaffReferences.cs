using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orleans.VNeID.Gateway.Auth;

/// <summary>
/// How staff appear outside the audit trail: a service account's client id is half of its sign-in, so what leaves the
/// platform's own records (the operators' live feed) names the office and a pseudonymous reference instead. The reference
/// is keyed (from <c>Jwt:SigningKey</c>), stable, and resolvable only by whoever holds the key and the list of accounts.
/// </summary>
public sealed class StaffReferences(IOptions<JwtOptions> jwt, IOptions<Dictionary<string, ServiceAccount>> accounts)
{
    private readonly byte[] _key = HMACSHA256.HashData(Convert.FromBase64String(jwt.Value.SigningKey), "vneid staff references"u8);

    /// <summary>The pseudonymous reference of a service account.</summary>
    public string Of(string clientId) =>
        "staff-" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(clientId)))[..16];

    /// <summary>The office of an officer's service account, or null.</summary>
    public string? OfficeOf(string clientId) => accounts.Value.TryGetValue(clientId, out var account) ? account.Office : null;
}
