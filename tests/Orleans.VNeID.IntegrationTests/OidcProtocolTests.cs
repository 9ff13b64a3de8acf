using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Orleans.VNeID.IntegrationTests.RelyingPartyClient;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// The negative cases of the OpenID conformance plan over real HTTP, level 2 with its code and verified claims, and
/// back-channel logout delivered durably.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OidcProtocolTests(PlatformFixture platform)
{
    [Fact]
    public async Task Changed_redirects_missing_pkce_wrong_secrets_reused_and_expired_codes_give_nothing_and_a_reused_code_revokes_the_first_tokens()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string> { ["Oidc:AuthorizationCodeLifetime"] = "00:00:03" });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        // A redirect URI that differs from the registered one in any way is never redirected to.
        foreach (var changed in new[] { Redirect + "/x", Redirect + "?next=/evil", Redirect.Replace("127.0.0.1", "localhost") })
        {
            var refused = await rp.Browser.GetAsync(rp.AuthorizeUrl(redirect: changed));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
        }
        // No PKCE challenge: refused, never a code — and, the client and its redirect URI being valid, the error goes back to
        // the relying party (RFC 6749 §4.1.2.1) with its state and the provider's issuer (RFC 9207).
        var withoutPkce = await rp.Browser.GetAsync(rp.AuthorizeUrl().Split("&code_challenge=")[0]);
        Assert.Equal(HttpStatusCode.Redirect, withoutPkce.StatusCode);
        Assert.StartsWith(Redirect, withoutPkce.Headers.Location!.AbsoluteUri);
        var refusal = Query(withoutPkce.Headers.Location!);
        Assert.Equal(("invalid_request", "st-1", cluster.GatewayUrl + "/"), (refusal["error"], refusal["state"], refusal["iss"]));
        Assert.False(refusal.ContainsKey("code"));

        var code = await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password);
        var wrongSecret = rp.Exchange(code);
        wrongSecret["client_secret"] = "not-the-secret";
        var (status, body) = await rp.TokenAsync(wrongSecret);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        var noVerifier = rp.Exchange(code);
        noVerifier.Remove("code_verifier");
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(noVerifier)).Status);
        var otherRedirect = rp.Exchange(code);
        otherRedirect["redirect_uri"] = Redirect + "/x";
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(otherRedirect)).Status);

        var (issuedStatus, issued) = await rp.TokenAsync(rp.Exchange(code));
        Assert.Equal(HttpStatusCode.OK, issuedStatus);
        var idToken = Payload(issued.GetProperty("id_token").GetString()!);
        Assert.Equal("nonce-1", idToken.GetProperty("nonce").GetString());
        Assert.True(idToken.TryGetProperty("sid", out _));
        var accessToken = issued.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await UserInfoAsync(cluster, accessToken)).StatusCode);

        // The code again: nothing, and what the first use gave is revoked.
        var (reusedStatus, reused) = await rp.TokenAsync(rp.Exchange(code));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (reusedStatus, reused.GetProperty("error").GetString()));
        var refresh = rp.Refresh(issued.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(refresh)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserInfoAsync(cluster, accessToken)).StatusCode);

        // A public client (no secret) exchanges with PKCE alone; a secret it never had is refused.
        using var publicClient = await RelyingPartyClient.RegisterAsync(cluster, confidential: false);
        var publicCode = await publicClient.CodeForAsync(citizen.IdNumber, PlatformApi.Password);
        var withSecret = publicClient.Exchange(publicCode);
        withSecret["client_secret"] = "invented";
        Assert.NotEqual(HttpStatusCode.OK, (await publicClient.TokenAsync(withSecret)).Status);
        var wrongVerifier = publicClient.Exchange(publicCode, verifier: Base64UrlEncoder.Encode(new byte[32]));
        Assert.Equal(HttpStatusCode.BadRequest, (await publicClient.TokenAsync(wrongVerifier)).Status);
        var publicCode2 = await publicClient.CodeForAsync(citizen.IdNumber, PlatformApi.Password);
        Assert.Equal(HttpStatusCode.OK, (await publicClient.TokenAsync(publicClient.Exchange(publicCode2))).Status);

        // A code past its lifetime gives nothing.
        var late = await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var (lateStatus, expired) = await rp.TokenAsync(rp.Exchange(late));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (lateStatus, expired.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_level_two_request_needs_the_code_sent_to_the_phone_and_gets_verified_claims_with_the_officers_evidence()
    {
        // A working Wednesday morning, so the desk is open whenever the suite runs.
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["DomainClock:StartAt"] = "2026-03-04T09:00:00+07:00", ["Otp:ResendCooldownSeconds"] = "1",
        });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCardHolder(new DateOnly(2026, 3, 4));
        await api.RegisterAndActivateAsync(citizen);
        var (dossier, decided) = await DeskSteps.Level2AtTheDeskAsync(cluster.Http, api, citizen);
        Assert.Equal("approved", decided);
        using var rp = await RelyingPartyClient.RegisterAsync(cluster);

        // Only the date of birth, as a verified claim: the consent page names that alone, and that alone is released.
        const string claims = """{"id_token":{"verified_claims":{"verification":{"trust_framework":null},"claims":{"birthdate":null}}}}""";
        var first = await rp.Browser.GetAsync(rp.AuthorizeUrl("openid vneid_level", $"&acr_values=urn:vneid:level2&claims={Uri.EscapeDataString(claims)}"));
        var afterPassword = await rp.SignInAsync(first.Headers.Location!, citizen.IdNumber, "Muc2@Matkhau");
        // The password alone is not enough for level 2: to the code page, with a code on its way to the phone on record.
        var codePage = await rp.Browser.GetAsync(afterPassword);
        Assert.StartsWith("/signin/code", codePage.Headers.Location!.OriginalString);
        var messages = await api.MessageCountAsync(citizen.Phone!);
        var code = await api.CodeSentToAsync(citizen.Phone!, expectedMessages: messages);
        var consentPage = await rp.EnterCodeAsync(codePage.Headers.Location!, code);
        var (back, consent) = await rp.ConsentAsync(consentPage);
        Assert.Contains("ngày sinh", consent);
        Assert.DoesNotContain("họ và tên", consent);

        var (status, issued) = await rp.TokenAsync(rp.Exchange(Query(back)["code"]));
        Assert.Equal(HttpStatusCode.OK, status);
        var idToken = Payload(issued.GetProperty("id_token").GetString()!);
        Assert.Equal("urn:vneid:level2", idToken.GetProperty("acr").GetString());
        Assert.Contains("otp", idToken.GetProperty("amr").ToString());
        Assert.False(idToken.TryGetProperty("name", out _));
        var verified = idToken.GetProperty("verified_claims");
        Assert.Equal(["birthdate"], verified.GetProperty("claims").EnumerateObject().Select(c => c.Name));
        Assert.Equal(citizen.DateOfBirth.ToString("yyyy-MM-dd"), verified.GetProperty("claims").GetProperty("birthdate").GetString());
        var verification = verified.GetProperty("verification");
        Assert.Equal("vn_decree_59_2022", verification.GetProperty("trust_framework").GetString());
        var evidence = verification.GetProperty("evidence")[0];
        Assert.Equal("document", evidence.GetProperty("type").GetString());
        var inPerson = evidence.GetProperty("check_details")[0];
        Assert.Equal("vpip", inPerson.GetProperty("check_method").GetString());
        // Nothing that identifies the check itself, which would link the citizen across relying parties: no dossier code,
        // no officer, no office, no time of day.
        Assert.DoesNotContain(dossier, idToken.GetRawText());
        Assert.DoesNotContain("officer-hn-01", idToken.GetRawText());
        Assert.DoesNotContain("Hàng Gai", idToken.GetRawText());
        Assert.False(inPerson.TryGetProperty("txn", out _));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", verification.GetProperty("time").GetString());

        // The same citizen signing in with the password alone, level 2 not asked for: the token says level 1, what this
        // authentication met, not the account's level.
        using var plain = await RelyingPartyClient.RegisterAsync(cluster);
        var plainCode = await plain.CodeForAsync(citizen.IdNumber, "Muc2@Matkhau");
        var (plainStatus, plainIssued) = await plain.TokenAsync(plain.Exchange(plainCode));
        Assert.Equal(HttpStatusCode.OK, plainStatus);
        Assert.Equal("urn:vneid:level1", Payload(plainIssued.GetProperty("id_token").GetString()!).GetProperty("acr").GetString());
    }

    [Fact]
    public async Task A_back_channel_logout_is_retried_until_the_relying_party_answers_and_survives_a_gateway_restart()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Oidc:LogoutPollInterval"] = "00:00:00.200", ["Oidc:LogoutRetryMax"] = "00:00:01",
        });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);
        var port = PlatformFixture.FreePort();
        using var rp = await RelyingPartyClient.RegisterAsync(cluster, $"http://127.0.0.1:{port}/backchannel-logout");
        var (_, issued) = await rp.TokenAsync(rp.Exchange(await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));
        var idToken = Payload(issued.GetProperty("id_token").GetString()!);

        // The citizen logs out everywhere through the API while the relying party is down: the logout is owed and retried.
        var login = await (await api.LogInAsync(citizen.IdNumber)).Content.ReadFromJsonAsync<JsonElement>();
        using (var everywhere = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions"))
        {
            everywhere.Headers.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
            Assert.Equal(HttpStatusCode.NoContent, (await cluster.Http.SendAsync(everywhere)).StatusCode);
        }
        await PlatformFixture.EventuallyAsync(async () => await platform.ScalarAsync(
            "select count(*) from oidc.logout_deliveries where client_id = $1 and delivered_at is null and attempts >= 2 and last_error is not null", rp.ClientId) == 1);
        var refresh = rp.Refresh(issued.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, (await rp.TokenAsync(refresh)).Status);

        // The gateway dies and comes back; then the relying party comes up and gets its logout token.
        await cluster.StopAsync(cluster.Named("gateway"), graceful: false);
        cluster.StartGateway();
        await cluster.WaitUntilReadyAsync(platform, 1);
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string form;
        using (var reader = new StreamReader(context.Request.InputStream)) form = await reader.ReadToEndAsync();
        context.Response.StatusCode = 200;
        context.Response.Close();
        Assert.Equal("/backchannel-logout", context.Request.Url!.AbsolutePath);
        var logoutToken = System.Web.HttpUtility.ParseQueryString(form)["logout_token"]!;

        var jwks = new JsonWebKeySet(await cluster.Http.GetStringAsync("/.well-known/jwks"));
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(logoutToken, new TokenValidationParameters
        {
            ValidIssuer = cluster.GatewayUrl + "/", ValidAudience = rp.ClientId, IssuerSigningKeys = jwks.GetSigningKeys(), ValidTypes = ["logout+jwt"],
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal(idToken.GetProperty("sub").GetString(), validated.Claims["sub"]);
        Assert.Equal(idToken.GetProperty("sid").GetString(), validated.Claims["sid"]);
        Assert.Contains("http://schemas.openid.net/event/backchannel-logout", Payload(logoutToken).GetProperty("events").ToString());
        Assert.False(Payload(logoutToken).TryGetProperty("nonce", out _));
        await PlatformFixture.EventuallyAsync(async () => await platform.ScalarAsync(
            "select count(*) from oidc.logout_deliveries where client_id = $1 and delivered_at is not null", rp.ClientId) == 1);
    }

    /// <summary>Userinfo with a bearer access token.</summary>
    internal static async Task<HttpResponseMessage> UserInfoAsync(PlatformCluster cluster, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await cluster.Http.SendAsync(request);
    }
}
