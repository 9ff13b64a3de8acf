using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Grains.Registry;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>The real gateway pipeline (Development settings from config/), talking to the in-process cluster.</summary>
public sealed class GatewayFactory(ClusterFixture cluster, int perAccountPerMinute = 100_000, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Orleans.VNeID.Gateway.GatewayAssembly>
{
    public const string TestOfficer = "officer-test-01";
    public const string TestLockoutOfficer = "officer-test-02";
    /// <summary>Officers of the tests' own: a second officer at CAP-HG, and one whose biometric budget a test spends (CAP-BN).</summary>
    public const string SecondDeskOfficer = "officer-test-03";
    public const string ProbingOfficer = "officer-test-04";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Gateway:ClusterClientProvided", "true");
        // Every test request comes from the same in-memory client: budgets are raised unless a test is about them.
        builder.UseSetting("RateLimits:PerAddressPerMinute", "100000");
        builder.UseSetting("RateLimits:PerAccountPerMinute", perAccountPerMinute.ToString());
        builder.UseSetting("RateLimits:RegistryMismatchesPerAddress", "100000");
        builder.UseSetting("RateLimits:RecoveryMismatchesPerAddress", "100000");
        // The in-process cluster has no database for the provider's store: the OpenID Connect tests turn it on themselves.
        builder.UseSetting("Oidc:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        // A service account of the tests' own (secret Officer#Dev2026), for revocations and lockouts that would disturb the shared ones.
        foreach (var officer in new[] { TestOfficer, TestLockoutOfficer, SecondDeskOfficer, ProbingOfficer })
        {
            builder.UseSetting($"ServiceAccounts:{officer}:Role", "officer");
            builder.UseSetting($"ServiceAccounts:{officer}:Office", officer == SecondDeskOfficer ? "CAP-HG" : "CAP-BN");
            builder.UseSetting($"ServiceAccounts:{officer}:TotpSecret", DemoStaff.TestKey);
            builder.UseSetting($"ServiceAccounts:{officer}:SecretHash",
                "AQAAAAIAAYagAAAAELFUqD2a5hmIkAT5f/D2X8MTgl3+mXYWHSo4YCkXufHmgVfDtnYDum/OJto69YjmWQ==");
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new TestPeerAddress());
            services.AddSingleton(cluster.Client);
            services.AddSingleton<IGrainFactory>(cluster.Client);
        });
    }

    /// <summary>Declares and activates a new registry citizen over HTTP (password Nhoquan@123).</summary>
    public async Task<CitizenRecord> ActiveCitizenAsync(HttpClient http)
    {
        var c = cluster.NewCitizen();
        (await http.PostAsJsonAsync("/api/v1/accounts", DeclarationBody(c))).EnsureSuccessStatusCode();
        var code = RecordingSender.CodeIn((await cluster.Sender.WaitForAsync(c.Phone!, 1))[0]);
        (await http.PostAsJsonAsync($"/api/v1/accounts/{c.IdNumber}/activation", new { otp = code, password = "Nhoquan@123" })).EnsureSuccessStatusCode();
        return c;
    }

    public static object DeclarationBody(CitizenRecord c) => new
    {
        idNumber = c.IdNumber, fullName = c.FullName, dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"),
        gender = c.Gender.ToString().ToLowerInvariant(), phone = c.Phone,
    };

    public async Task<string> CitizenTokenAsync(HttpClient http, string idNumber, string password)
    {
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    public async Task<string> ServiceTokenAsync(HttpClient http, string clientId, string secret)
    {
        var response = await http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId, clientSecret = secret, code = DemoStaff.Code(clientId) });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    /// <summary>
    /// The citizen (an active account) becomes level 2 at CAP-HG's desk in office hours: an officer opens the dossier with
    /// a capture signed by the office's device and <paramref name="documents"/>, and the citizen activates with the code
    /// sent and <paramref name="password"/>. Returns the dossier's code and the officer's token; <paramref name="secrets"/>
    /// collects what must never leak.
    /// </summary>
    public async Task<(string Dossier, string Officer)> Level2AtTheDeskAsync(HttpClient http, CitizenRecord citizen, string password,
        List<string>? secrets = null, object[]? documents = null)
    {
        cluster.AdvanceToOfficeHours();
        var officer = await ServiceTokenAsync(http, "officer-hn-01", "Officer#Dev2026");
        string Capture(Orleans.VNeID.Grains.Biometrics.Modality modality) => Convert.ToBase64String(
            Orleans.VNeID.Grains.Biometrics.BiometricTemplates.Capture(cluster.Registry.Template(citizen.IdNumber, modality), 0.1, 7));
        var portrait = Capture(Orleans.VNeID.Grains.Biometrics.Modality.Portrait);
        var fingerprint = Capture(Orleans.VNeID.Grains.Biometrics.Modality.Fingerprint);
        var (deviceId, capturedAt, deviceSignature) = cluster.SignCapture("CAP-HG", citizen.IdNumber, portrait, fingerprint);
        secrets?.AddRange([officer, portrait[..40]]);
        var before = (await cluster.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        var opened = await http.SendAsync(With(HttpMethod.Post, "/api/v1/offices/CAP-HG/dossiers", officer, new
        {
            submissionId = Guid.NewGuid().ToString("N"), idNumber = citizen.IdNumber, hasChipCard = true, phone = citizen.Phone,
            documents = documents ?? [], dependents = Array.Empty<string>(), consentRecorded = true,
            portraitTemplate = portrait, fingerprintTemplate = fingerprint, deviceId, capturedAt, deviceSignature,
        }));
        Assert.Equal(System.Net.HttpStatusCode.Created, opened.StatusCode);
        var code = RecordingSender.CodeIn((await cluster.Sender.WaitForAsync(citizen.Phone!, before + 1))[^1]);
        secrets?.Add(code!);
        (await http.PostAsJsonAsync($"/api/v1/accounts/{citizen.IdNumber}/activation", new { otp = code, password })).EnsureSuccessStatusCode();
        return ((await opened.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("dossierCode").GetString()!, officer);
    }

    public static HttpRequestMessage With(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<TokenBody> CitizenLoginAsync(HttpClient http, string idNumber, string password)
    {
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!;
    }

    public sealed record TokenBody(string Token, string TokenType, DateTimeOffset ExpiresAt, string Role, string? RefreshToken, DateTimeOffset? RefreshExpiresAt);
}

/// <summary>
/// The test server has no network peer: a request's <c>X-Test-Peer</c> header stands for the address it came from (the
/// proxy's, or a citizen's), set before the gateway's own pipeline, as a socket would.
/// </summary>
internal sealed class TestPeerAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(following => http =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var peer)) http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer.ToString());
            return following(http);
        });
        next(app);
    };
}
