using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Notifications;
using Orleans.VNeID.Grains.Notifications;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Tests.Security;

public class SecretTests
{
    internal static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    internal static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    private static OtpCodes Codes(string key) => new(Options.Create(new OtpOptions { HashKey = key }));
    private static SecretSealer Sealer(string key) => new(Options.Create(new SealingOptions { SealingKey = key }));

    [Fact]
    public void Codes_are_six_digits_and_vary()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => OtpCodes.Generate()).ToArray();
        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        Assert.True(codes.Distinct().Count() > 190);
    }

    [Fact]
    public void A_code_verifies_only_for_its_account_and_issue_under_its_key()
    {
        var codes = Codes(KeyA);
        var hash = codes.Hash("001090012345", 3, "123456");
        Assert.True(codes.Verify("001090012345", 3, "123456", hash));
        Assert.False(codes.Verify("001090012345", 3, "123457", hash));
        Assert.False(codes.Verify("001090012345", 4, "123456", hash));
        Assert.False(codes.Verify("079195012346", 3, "123456", hash));
        Assert.False(codes.Verify("001090012345", 3, "12345", hash));
        Assert.False(codes.Verify("001090012345", 3, "12345a", hash));
        Assert.False(Codes(KeyB).Verify("001090012345", 3, "123456", hash));
        Assert.DoesNotContain("123456", Convert.ToBase64String(hash));
    }

    [Fact]
    public void A_sealed_secret_opens_with_its_key_and_context_only()
    {
        var sealer = Sealer(KeyA);
        var sealedBytes = sealer.Seal("482913", "001090012345");
        Assert.Equal("482913", sealer.Open(sealedBytes, "001090012345"));
        Assert.DoesNotContain("482913", System.Text.Encoding.UTF8.GetString(sealedBytes));
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(sealedBytes, "079195012346"));
        Assert.ThrowsAny<CryptographicException>(() => Sealer(KeyB).Open(sealedBytes, "001090012345"));
        var tampered = (byte[])sealedBytes.Clone();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(tampered, "001090012345"));
        Assert.NotEqual(sealedBytes, sealer.Seal("482913", "001090012345"));
    }
}
