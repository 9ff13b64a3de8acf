using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Credentials;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>SD-JWT (RFC 9901) as the issuer makes it, and the Token Status List's encoding.</summary>
public class SdJwtTests
{
    [Fact]
    public async Task Each_disclosable_claim_is_behind_its_digest_and_nothing_else_is_in_the_clear()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signing = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256);
        var issued = SdJwt.Issue(new Dictionary<string, object?> { ["iss"] = "https://id.example", ["vct"] = "https://id.example/credentials/eid" },
            new Dictionary<string, object?> { ["full_name"] = "Nguyễn Văn An", ["age_over_18"] = true, ["level"] = 2 }, signing);

        var parts = issued.Split('~');
        Assert.Equal("", parts[^1]); // an issued SD-JWT ends with "~"
        var jwt = new JsonWebToken(parts[0]);
        Assert.Equal("dc+sd-jwt", jwt.Typ);
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(parts[0].Split('.')[1])).RootElement;
        Assert.False(payload.TryGetProperty("full_name", out _));
        Assert.Equal("sha-256", payload.GetProperty("_sd_alg").GetString());
        var digests = payload.GetProperty("_sd").EnumerateArray().Select(d => d.GetString()).ToHashSet();
        var disclosures = parts[1..^1];
        Assert.Equal(3, disclosures.Length);
        Assert.True(digests.Count > disclosures.Length); // decoys hide how many claims there are
        foreach (var disclosure in disclosures)
        {
            Assert.Contains(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(disclosure))), digests);
            var array = JsonDocument.Parse(Base64UrlEncoder.Decode(disclosure)).RootElement;
            Assert.Equal(3, array.GetArrayLength());
            Assert.True(Base64UrlEncoder.DecodeBytes(array[0].GetString()!).Length >= 16); // a salt of 128 bits
        }
        var names = disclosures.Select(d => JsonDocument.Parse(Base64UrlEncoder.Decode(d)).RootElement[1].GetString()!).Order().ToArray();
        Assert.Equal(["age_over_18", "full_name", "level"], names);
        // The signature is the issuer key's.
        var valid = await new JsonWebTokenHandler().ValidateTokenAsync(parts[0], new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(key), ValidateAudience = false, ValidIssuer = "https://id.example", RequireExpirationTime = false,
            ValidTypes = ["dc+sd-jwt"],
        });
        Assert.True(valid.IsValid, valid.Exception?.Message);
    }

    [Fact]
    public void The_status_list_holds_two_bits_per_credential_compressed()
    {
        var lst = StatusList.Encode(1000, [(3, StatusList.Suspended), (4, StatusList.Invalid), (999, StatusList.Suspended)]);
        Assert.Equal(StatusList.Valid, StatusList.Read(lst, 0));
        Assert.Equal(StatusList.Suspended, StatusList.Read(lst, 3));
        Assert.Equal(StatusList.Invalid, StatusList.Read(lst, 4));
        Assert.Equal(StatusList.Valid, StatusList.Read(lst, 5));
        Assert.Equal(StatusList.Suspended, StatusList.Read(lst, 999));
        Assert.True(lst.Length < 100); // 250 bytes of mostly zeros, compressed
        Assert.Throws<ArgumentOutOfRangeException>(() => StatusList.Encode(10, [(10, StatusList.Invalid)]));
    }
}
