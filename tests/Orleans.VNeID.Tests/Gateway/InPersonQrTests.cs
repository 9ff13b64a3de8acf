extern alias desk;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using desk::IdentityCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orleans.VNeID.Gateway.Credentials;
using QRCoder;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 29's in-person QR from end to end without a network: an e-ID issued by the platform's issuer, a holder's
/// presentation of only "over 18", its QR drawn as a picture, read back from the picture by the sample desk and
/// checked against the keys and the status list it fetched before — then a copy, a late one, a tampered one, one made
/// for another verifier, one signed by another key, and one whose entry was suspended.
/// </summary>
public class InPersonQrTests
{
    private const string Issuer = "https://id.example.vn";
    private const string ListUri = Issuer + "/status-lists/1";
    private const int Index = 4242;

    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(7)));
    private readonly Dictionary<int, byte> _statuses = [];
    private readonly IOptions<VerifierOptions> _options = Options.Create(new VerifierOptions
    {
        TrustedIssuers = [new TrustedIssuer { Issuer = Issuer, Name = "VNeID (test)", StatusLists = [ListUri] }],
    });

    [Fact]
    public async Task The_desk_reads_the_qr_picture_and_checks_it_offline_refusing_copies_late_tampered_foreign_and_suspended_ones()
    {
        var credential = Credential();
        var trust = await TrustAsync();
        var check = new PresentationCheck(trust, new ReplayGuard(_options, _clock), _clock);

        // The QR's picture holds the presentation, compact enough for a phone's camera.
        var presentation = Present(credential, ["age_over_18", "portrait", "level"]);
        var text = InPersonQr.Text(presentation);
        Assert.StartsWith("VN1:", text);
        // Measured: about 2,280 characters of base45, a version-29 code at low error correction (salts and decoys vary it a little).
        using (var qr = QRCodeGenerator.GenerateQrCode(text, InPersonQr.ErrorCorrection))
            Assert.True(qr.Version <= 30, $"The QR is version {qr.Version} ({text.Length} characters).");
        // Everything at once still fits a QR code.
        Assert.NotNull(InPersonQr.Png(InPersonQr.Text(Present(credential, [.. AllClaims]))));
        var read = QrInput.Read(InPersonQr.Png(text)!);
        Assert.Equal(text, read);
        // As a phone's screen shows it (22rem wide at 2 and at 3 device pixels per CSS pixel): scaled, modules uneven.
        foreach (var side in new[] { 704, 1056 }) Assert.Equal(text, QrInput.Read(Scaled(InPersonQr.Png(text)!, side)));
        Assert.Equal(presentation, QrInput.Presentation(read!));

        var valid = await check.CheckAsync(read!);
        Assert.Equal(Verdict.Valid, valid.Verdict);
        Assert.Equal(["age_over_18"], valid.Claims.Select(c => c.Name).Where(n => n != "level"));
        Assert.True(valid.Claims.Single(c => c.Name == "age_over_18").Value.GetBoolean());
        Assert.StartsWith("data:image/webp;base64,", valid.Portrait);
        Assert.Equal(2, valid.Level);
        Assert.Empty(valid.NotChecked);

        // The same QR again is a copy.
        Assert.Equal(Verdict.Replayed, (await check.CheckAsync(read!)).Verdict);
        // A QR older than 60 seconds has expired.
        var late = InPersonQr.Text(Present(credential, ["age_over_18"]));
        _clock.Advance(TimeSpan.FromSeconds(75));
        Assert.Equal(Verdict.Expired, (await check.CheckAsync(late)).Verdict);
        // A disclosed value changed, a presentation made for another verifier, one signed by another key.
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Tamper(Present(credential, ["age_over_18"])))).Verdict);
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Present(credential, ["age_over_18"], audience: "https://bank.example"))).Verdict);
        using (var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Present(credential, ["age_over_18"], signer: thief))).Verdict);
        // The credential itself, shown without the holder's signature: genuine, but who holds it is not checked.
        var bare = await check.CheckAsync(credential);
        Assert.Equal(Verdict.Valid, bare.Verdict);
        Assert.NotEmpty(bare.NotChecked);

        // The account is locked: until the desk fetches the list again it cannot know; then the entry reads revoked.
        _statuses[Index] = StatusList.Suspended;
        Assert.Equal(Verdict.Valid, (await check.CheckAsync(Present(credential, ["age_over_18"]))).Verdict);
        await trust.RefreshAsync();
        Assert.Equal(Verdict.Revoked, (await check.CheckAsync(Present(credential, ["age_over_18"]))).Verdict);
    }

    [Fact]
    public async Task An_issuer_outside_the_trust_list_and_text_that_is_no_code_are_refused()
    {
        var trust = await TrustAsync();
        var check = new PresentationCheck(trust, new ReplayGuard(_options, _clock), _clock);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = SdJwt.Issue(new Dictionary<string, object?> { ["iss"] = "https://elsewhere.example", ["vct"] = "x" },
            new Dictionary<string, object?> { ["age_over_18"] = true }, new SigningCredentials(new ECDsaSecurityKey(stranger), SecurityAlgorithms.EcdsaSha256));
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(foreign)).Verdict);
        Assert.Equal(Verdict.Unreadable, (await check.CheckAsync("VN1:%%%not base45")).Verdict);
        Assert.Equal(Verdict.Unreadable, (await check.CheckAsync("hello")).Verdict);
        Assert.Null(QrInput.Read(Encoding.ASCII.GetBytes("not a picture")));
    }

    [Fact]
    public async Task An_online_answer_must_be_made_for_this_desk_and_this_request()
    {
        var credential = Credential();
        var trust = await TrustAsync();
        var check = new PresentationCheck(trust, new ReplayGuard(_options, _clock), _clock);
        var request = new Expectation("redirect_uri:https://desk.example/online/response", "n-0123456789abcdef");
        Assert.Equal(Verdict.Valid, (await check.CheckAsync(Present(credential, ["age_over_18"], request.Audience, nonce: request.Nonce), request)).Verdict);
        // Another request's nonce, another verifier's audience, an in-person QR's presentation: not answers to this request.
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Present(credential, ["age_over_18"], request.Audience, nonce: "n-another-request-0001"), request)).Verdict);
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Present(credential, ["age_over_18"], "redirect_uri:https://elsewhere.example/r", nonce: request.Nonce), request)).Verdict);
        Assert.Equal(Verdict.NotGenuine, (await check.CheckAsync(Present(credential, ["age_over_18"]), request)).Verdict);
    }

    [Fact]
    public void The_console_draws_only_what_has_the_form_of_a_presentation()
    {
        static string Part(string text) => Base64UrlEncoder.Encode(text);
        var jwt = $"{Part("{\"alg\":\"ES256\"}")}.{Part("{}")}.{Part("signature")}";
        Assert.True(InPersonQr.LooksLikePresentation($"{jwt}~{Part("[\"salt\",\"a\",1]")}~{jwt}"));
        Assert.False(InPersonQr.LooksLikePresentation($"{jwt}~")); // no key binding
        Assert.False(InPersonQr.LooksLikePresentation("eyJ.eyJ.sig~WyJ~eyJ.eyJ.sig")); // not as an encoder writes base64url
        Assert.False(InPersonQr.LooksLikePresentation("<script>~x"));
        Assert.False(InPersonQr.LooksLikePresentation(new string('a', InPersonQr.MaxPresentationLength) + "~b"));
    }

    private static readonly string[] AllClaims =
        ["id_number", "full_name", "birthdate", "gender", "nationality", "age_over_14", "age_over_18", "level", "portrait", "card_number", "card_valid_until"];

    /// <summary>An e-ID like the issuer's: every claim disclosable, the holder's key in cnf, its entry in the list.</summary>
    private string Credential()
    {
        var holder = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_holder));
        var now = _clock.GetUtcNow();
        return SdJwt.Issue(new Dictionary<string, object?>
            {
                ["iss"] = Issuer, ["vct"] = Issuer + "/credentials/eid", ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddDays(365).ToUnixTimeSeconds(),
                ["cnf"] = new Dictionary<string, object> { ["jwk"] = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = holder.X, ["y"] = holder.Y } },
                ["status"] = new Dictionary<string, object> { ["status_list"] = new Dictionary<string, object> { ["idx"] = Index, ["uri"] = ListUri } },
            },
            new Dictionary<string, object?>
            {
                ["id_number"] = "001090012345", ["full_name"] = "Nguyễn Văn An", ["birthdate"] = "1990-05-15", ["gender"] = "male", ["nationality"] = "VN",
                ["age_over_14"] = true, ["age_over_18"] = true, ["level"] = 2, ["portrait"] = SyntheticPortrait.DataUrl("001090012345", male: true),
                ["card_number"] = "001090012345", ["card_valid_until"] = "2035-05-15",
            },
            new SigningCredentials(new ECDsaSecurityKey(_issuerKey) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256));
    }

    /// <summary>What the wallet does: the chosen disclosures, then a key-binding JWT over them (RFC 9901 §4.3).</summary>
    private string Present(string credential, string[] names, string audience = PresentationCheck.InPersonAudience, ECDsa? signer = null, string? nonce = null)
    {
        var parts = credential.Split('~');
        var shown = parts[1..^1].Where(d => names.Contains(JsonNode.Parse(Base64UrlEncoder.Decode(d))![1]!.GetValue<string>()));
        var sd = parts[0] + "~" + string.Concat(shown.Select(d => d + "~"));
        var kb = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "kb+jwt",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signer ?? _holder), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["iat"] = _clock.GetUtcNow().ToUnixTimeSeconds(), ["aud"] = audience,
                ["nonce"] = nonce ?? Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                ["sd_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(sd))),
            },
        });
        return sd + kb;
    }

    private static byte[] Scaled(byte[] png, int side)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        using var scaled = bitmap.Resize(new SkiaSharp.SKImageInfo(side, side), new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Nearest));
        using var image = SkiaSharp.SKImage.FromBitmap(scaled);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static string Tamper(string presentation)
    {
        var parts = presentation.Split('~');
        var disclosure = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsArray();
        disclosure[2] = false;
        parts[1] = Base64UrlEncoder.Encode(disclosure.ToJsonString());
        return string.Join('~', parts);
    }

    /// <summary>The desk's trust list naming this issuer, filled once from the issuer's (in-memory) endpoints.</summary>
    private async Task<TrustStore> TrustAsync()
    {
        var trust = new TrustStore(_options, new IssuerEndpoints(this), _clock, NullLogger<TrustStore>.Instance);
        await trust.RefreshAsync();
        Assert.Null(trust.LastError);
        return trust;
    }

    /// <summary>The issuer's two public documents, served from memory: its keys and its status list.</summary>
    private sealed class IssuerEndpoints(InPersonQrTests test) : HttpMessageHandler, IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(test._issuerKey));
            var body = request.RequestUri!.AbsoluteUri switch
            {
                Issuer + "/.well-known/jwt-vc-issuer" => JsonSerializer.Serialize(new
                {
                    issuer = Issuer, jwks = new { keys = new[] { new { kty = "EC", crv = "P-256", x = key.X, y = key.Y, kid = "k1", use = "sig", alg = "ES256" } } },
                }),
                ListUri => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
                {
                    TokenType = "statuslist+jwt",
                    SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(test._issuerKey) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256),
                    Claims = new Dictionary<string, object>
                    {
                        ["sub"] = ListUri, ["iat"] = test._clock.GetUtcNow().ToUnixTimeSeconds(), ["ttl"] = 300,
                        ["status_list"] = new Dictionary<string, object> { ["bits"] = 2, ["lst"] = StatusList.Encode(8192, test._statuses.Select(s => (s.Key, s.Value))) },
                    },
                }),
                _ => null,
            };
            return Task.FromResult(body is null ? new HttpResponseMessage(HttpStatusCode.NotFound) : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
        }
    }
}
