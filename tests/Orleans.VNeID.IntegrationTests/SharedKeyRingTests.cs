using System.Net;
using System.Text.RegularExpressions;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Two gateway replicas behind one address share their Data Protection key ring through the database: a form (its
/// antiforgery cookie and token) one gateway made is taken by the other, and the keys are stored encrypted.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SharedKeyRingTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_form_made_by_one_gateway_is_taken_by_another_and_the_keys_are_encrypted_in_the_database()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform);
        var home = Directory.CreateTempSubdirectory("vneid-replica-").FullName;
        var replicaUrl = $"http://127.0.0.1:{PlatformFixture.FreePort()}";
        cluster.StartReplicaGateway("gateway-2", replicaUrl, home);
        await BrowserPages.WaitForAsync(replicaUrl + "/health/live");

        var jar = new CookieContainer();
        using var first = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = new Uri(cluster.GatewayUrl) };
        var page = await first.GetStringAsync("/forgot-password");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookies = jar.GetCookieHeader(new Uri(cluster.GatewayUrl));
        Assert.NotEmpty(token);
        Assert.NotEmpty(cookies);

        using var second = new HttpClient { BaseAddress = new Uri(replicaUrl) };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/forgot-password")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["idNumber"] = "not-a-number" }),
        };
        post.Headers.Add("Cookie", cookies);
        var answer = await second.SendAsync(post);
        var body = await answer.Content.ReadAsStringAsync();
        // The other gateway took the form (it found the ID number wrong), rather than refusing a form it cannot read.
        Assert.DoesNotContain("Không thể nhận biểu mẫu", body);
        Assert.Contains("Số định danh cá nhân gồm 12 chữ số", body);

        // The ring is in the database, each key encrypted with the data-protection certificate (never a bare key).
        Assert.True(await platform.ScalarAsync("select count(*) from oidc.data_protection_keys") > 0);
        Assert.Equal(0, await platform.ScalarAsync("select count(*) from oidc.data_protection_keys where xml not like '%<encryptedSecret%'"));
        Directory.Delete(home, recursive: true);
    }
}
