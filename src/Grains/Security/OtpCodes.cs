using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Security;

/// <summary>Six-digit one-time codes from a CSPRNG, stored only as an HMAC-SHA256 bound to the account and the issue.</summary>
public sealed class OtpCodes(IOptions<OtpOptions> options)
{
    public const int Digits = 6;

    private readonly byte[] _key = Convert.FromBase64String(options.Value.HashKey);

    public static string Generate() =>
        RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public byte[] Hash(string accountId, long issue, string code) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{accountId}\n{issue}\n{code}"));

    public bool Verify(string accountId, long issue, string code, byte[] storedHash) =>
        code.Length == Digits && code.All(char.IsAsciiDigit) &&
        CryptographicOperations.FixedTimeEquals(Hash(accountId, issue, code), storedHash);
}
