using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>One-time codes from a CSPRNG, stored only as an HMAC-SHA256 bound to the account and the issue.</summary>
public sealed class OtpCodes(IOptions<OtpOptions> options)
{
    private static readonly int Bound = (int)Math.Pow(10, OneTimeCode.Digits);
    private static readonly string Format = "D" + OneTimeCode.Digits.ToString(CultureInfo.InvariantCulture);

    private readonly byte[] _key = Convert.FromBase64String(options.Value.HashKey);

    public static string Generate() =>
        RandomNumberGenerator.GetInt32(0, Bound).ToString(Format, CultureInfo.InvariantCulture);

    public byte[] Hash(string accountId, long issue, string code) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{accountId}\n{issue}\n{code}"));

    public bool Verify(string accountId, long issue, string code, byte[] storedHash) =>
        OneTimeCode.IsWellFormed(code) && CryptographicOperations.FixedTimeEquals(Hash(accountId, issue, code), storedHash);
}
