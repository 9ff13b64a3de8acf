using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// Issue 27: no relying party can take the provider down. Five relying parties whose endpoints answer garbage (a charset
/// no decoder knows), an endless body, a redirect to an internal address, a drip of one byte a second and a connection
/// reset are each owed a logout and a security event; the gateway keeps serving throughout, nothing reaches the internal
/// address, and each is backed off and reported on its own.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HostileReceiverTests(PlatformFixture platform)
{
    private static readonly string[] Behaviours = ["garbage", "huge", "redirect", "drip", "reset"];

    [Fact]
    public async Task Relying_parties_answering_garbage_huge_bodies_redirects_drips_and_resets_are_backed_off_while_the_provider_keeps_serving()
    {
        await using var cluster = await PlatformCluster.StartAsync(platform, settings: new Dictionary<string, string>
        {
            ["Oidc:LogoutPollInterval"] = "00:00:00.200", ["Oidc:LogoutRetryMax"] = "00:00:30",
        });
        var api = new PlatformApi(cluster.Http);
        var citizen = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(citizen);

        await using var hostile = HostileServer.Start();
        var parties = new Dictionary<string, RelyingPartyClient>();
        foreach (var behaviour in Behaviours)
        {
            var rp = await RelyingPartyClient.RegisterAsync(cluster, backchannelUri: $"{hostile.Url}/{behaviour}/logout",
                securityEventsUri: $"{hostile.Url}/{behaviour}/events");
            var (status, _) = await rp.TokenAsync(rp.Exchange(await rp.CodeForAsync(citizen.IdNumber, PlatformApi.Password)));
            Assert.Equal(HttpStatusCode.OK, status);
            parties[behaviour] = rp;
        }

        // The lock owes each of them a logout (the session ends) and an account-disabled event.
        var operatorToken = await api.OperatorTokenAsync();
        using (var lockRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{citizen.IdNumber}/lock")
               { Content = JsonContent.Create(new { reason = "hostile receiver test" }) })
        {
            lockRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
            (await cluster.Http.SendAsync(lockRequest)).EnsureSuccessStatusCode();
        }

        // Every behaviour was met at least once by both senders, and each time the provider answered.
        var served = 0;
        await PlatformFixture.EventuallyAsync(async () =>
        {
            var discovery = await cluster.Http.GetAsync("/.well-known/openid-configuration");
            Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
            served++;
            return Behaviours.All(b => hostile.Hits($"/{b}/logout") > 0 && hostile.Hits($"/{b}/events") > 0);
        }, seconds: 60);
        Assert.True(served > 0);

        // The refusals (400, however malformed or long) are dead letters; the rest are owed, backed off per relying party.
        await PlatformFixture.EventuallyAsync(async () => await platform.ScalarAsync(
            "select count(*) from oidc.security_event_deliveries where client_id = any($1) and dead_at is not null",
            (object)new[] { parties["garbage"].ClientId, parties["huge"].ClientId }) == 2);
        foreach (var behaviour in new[] { "redirect", "drip", "reset" })
        {
            var clientId = parties[behaviour].ClientId;
            await PlatformFixture.EventuallyAsync(async () => await platform.ScalarAsync(
                "select count(*) from oidc.security_event_receivers where client_id = $1 and failures >= 1 and next_attempt_at > now()", clientId) == 1);
            Assert.Equal(1, await platform.ScalarAsync(
                "select count(*) from oidc.security_event_deliveries where client_id = $1 and delivered_at is null and dead_at is null", clientId));
        }
        foreach (var (behaviour, rp) in parties)
            Assert.Equal(1, await platform.ScalarAsync(
                "select count(*) from oidc.logout_deliveries where client_id = $1 and delivered_at is null and attempts >= 1 and last_error is not null", rp.ClientId));

        // What operators see names no more than the platform's own words and the relying party's error code.
        using var pending = new HttpRequestMessage(HttpMethod.Get, "/api/v1/security-events/deliveries?state=pending");
        pending.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        var waiting = await (await cluster.Http.SendAsync(pending)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("INTERNAL-ONLY", waiting);
        Assert.Contains(parties["redirect"].ClientId, waiting);

        // The redirect was never followed to the internal address it named.
        Assert.Equal(0, hostile.Hits("/internal"));
        // And the provider still serves a sign-in.
        var another = platform.TakeCitizens(1)[0];
        await api.RegisterAndActivateAsync(another);
        using var fresh = await RelyingPartyClient.RegisterAsync(cluster);
        var (ok, _) = await fresh.TokenAsync(fresh.Exchange(await fresh.CodeForAsync(another.IdNumber, PlatformApi.Password)));
        Assert.Equal(HttpStatusCode.OK, ok);
        foreach (var rp in parties.Values) rp.Dispose();
    }

    /// <summary>A raw TCP server that misbehaves by the path it is asked for.</summary>
    private sealed class HostileServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Dictionary<string, int> _hits = new();
        private readonly Task _loop;

        private HostileServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public static HostileServer Start() => new();

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Hits(string path)
        {
            lock (_hits) return _hits.GetValueOrDefault(path);
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var path = head.Split(' ')[1];
                lock (_hits) _hits[path] = _hits.GetValueOrDefault(path) + 1;
                var behaviour = path.Split('/')[1];
                switch (behaviour)
                {
                    case "garbage":
                        const string refusal = """{"err":"invalid_request","description":"INTERNAL-ONLY: db=hunter"}""";
                        await WriteAsync(stream, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=made-up-charset\r\n" +
                                                 $"Content-Length: {refusal.Length}\r\n\r\n{refusal}");
                        break;
                    case "huge":
                        // A 400 whose body never ends: the provider reads a few KiB and hangs up.
                        await WriteAsync(stream, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                        var chunk = Encoding.ASCII.GetBytes($"{65536:x}\r\n{new string('A', 65536)}\r\n");
                        for (var i = 0; i < 16_384 && !_stop.IsCancellationRequested; i++) await stream.WriteAsync(chunk, _stop.Token);
                        break;
                    case "redirect":
                        await WriteAsync(stream, $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {Url}/internal\r\nContent-Length: 0\r\n\r\n");
                        break;
                    case "drip":
                        foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
                        {
                            await stream.WriteAsync(new[] { b }, _stop.Token);
                            await Task.Delay(1000, _stop.Token);
                        }
                        break;
                    case "reset":
                        client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        break;
                    default:
                        await WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                        break;
                }
            }
            catch (Exception)
            {
                // The provider hung up: that is the point.
            }
        }

        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) > 0)
                head.Append((char)buffer[0]);
            return head.ToString();
        }

        private Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), _stop.Token).AsTask();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
