using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Schemes that handle requests by themselves (OpenIddict's server among them) are asked about every request but those
/// under /api; the bearer token still authenticates everywhere.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ApiAuthenticationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_request_handling_scheme_never_sees_an_api_request_and_the_bearer_token_still_authenticates_there()
    {
        var seen = new ConcurrentQueue<string>();
        await using var gateway = new GatewayFactory(fixture);
        await using var observed = gateway.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton(seen);
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RecordingRequestHandler>(RecordingRequestHandler.Name, null);
        }));
        var http = observed.CreateClient();
        var citizen = await gateway.ActiveCitizenAsync(http);
        var token = await gateway.CitizenTokenAsync(http, citizen.IdNumber, "Nhoquan@123");

        var status = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{citizen.IdNumber}/status", token));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("level1", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/v1/accounts/{citizen.IdNumber}/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        Assert.Contains("/health/live", seen);
        Assert.DoesNotContain(seen, path => path.StartsWith("/api", StringComparison.Ordinal));
    }

    private sealed class RecordingRequestHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        ConcurrentQueue<string> seen) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
    {
        public const string Name = "recording";

        public Task<bool> HandleRequestAsync()
        {
            seen.Enqueue(Request.Path.Value ?? "");
            return Task.FromResult(false);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
