using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orleans.VNeID.LoadDriver;

public sealed record PasskeyFigures(Rate Passwords, Rate Passkeys, int Cores, int Concurrency, int Citizens, int Iterations,
    Dictionary<string, double>? PasswordCpuMs, Dictionary<string, double>? PasskeyCpuMs, DateTimeOffset MeasuredAt);

/// <summary>
/// Sign-ins on the API with a passkey beside sign-ins with the password, in the same run, by the same citizens: each
/// citizen first adds a passkey (a software authenticator of the driver's: a P-256 key, "none" attestation, user
/// verified), then rounds of password logins (<c>POST /api/v1/sessions</c>) and of passkey sign-ins (options, the
/// authenticator's signature, <c>POST /api/v1/sessions/passkey</c>) alternate. A passkey sign-in checks one ECDSA
/// signature where the password costs a PBKDF2 hash.
/// </summary>
public static class PasskeySignIns
{
    public static async Task<PasskeyFigures> RunAsync(Platform platform, string gateway, int count, int concurrency, int citizens, int iterations, int rounds)
    {
        using var client = Load.Client(gateway, concurrency);
        var issuer = (await client.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration")).GetProperty("issuer").GetString()!;
        var origin = new Uri(issuer).GetLeftPart(UriPartial.Authority);
        var ids = await platform.PrepareActivatedAsync(citizens, 8);
        var keys = new Dictionary<string, SoftwareAuthenticator>();
        await Load.RunAsync(ids, 8, async id =>
        {
            var authenticator = await AddPasskeyAsync(client, id, origin);
            if (authenticator is null) return false;
            lock (keys) keys[id] = authenticator;
            return true;
        });
        if (keys.Count == 0) throw new InvalidOperationException("No passkey could be added: is the issuer a host name (http://localhost:8080)?");
        var holders = keys.Keys.ToList();
        List<string> Round(int n) => Enumerable.Range(0, n).Select(i => holders[i % holders.Count]).ToList();

        async Task<bool> Password(string id)
        {
            using var answer = await client.PostAsJsonAsync("/api/v1/sessions", new { idNumber = id, password = Platform.BenchPassword });
            return answer.StatusCode == HttpStatusCode.OK;
        }
        async Task<bool> Passkey(string id)
        {
            using var options = await client.PostAsync("/api/v1/sessions/passkey/options", null);
            if (!options.IsSuccessStatusCode) return false;
            var challenge = (await options.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString()!;
            using var answer = await client.PostAsync("/api/v1/sessions/passkey", Body(keys[id].Assert(challenge)));
            return answer.StatusCode == HttpStatusCode.OK;
        }

        // A warm-up of each, then rounds that alternate, so both meet the same machine.
        await Load.RunAsync(Round(Math.Min(count / 4, 100)), concurrency, Password);
        await Load.RunAsync(Round(Math.Min(count / 4, 100)), concurrency, Passkey);
        var passwords = new List<Rate>();
        var passkeys = new List<Rate>();
        Dictionary<string, double>? passwordCpu = null, passkeyCpu = null;
        for (var round = 0; round < rounds; round++)
        {
            var before = CpuMeter.Read();
            var p = await Load.RunAsync(Round(count), concurrency, Password);
            passwordCpu = CpuMeter.PerOperation(before, CpuMeter.Read(), p.Requests - p.Failures);
            passwords.Add(p);
            before = CpuMeter.Read();
            var k = await Load.RunAsync(Round(count * 4), concurrency, Passkey);
            passkeyCpu = CpuMeter.PerOperation(before, CpuMeter.Read(), k.Requests - k.Failures);
            passkeys.Add(k);
        }
        var password = passwords.OrderBy(r => r.PerSecond).ElementAt(passwords.Count / 2);
        var passkey = passkeys.OrderBy(r => r.PerSecond).ElementAt(passkeys.Count / 2);
        Console.WriteLine($"  password logins {password.PerSecond:N1}/s (p99 {password.P99Ms} ms, {password.Failures} failures); " +
                          $"passkey sign-ins {passkey.PerSecond:N1}/s (p99 {passkey.P99Ms} ms, {passkey.Failures} failures): {passkey.PerSecond / password.PerSecond:N1}×");
        return new PasskeyFigures(password, passkey, Environment.ProcessorCount, concurrency, holders.Count, iterations, passwordCpu, passkeyCpu,
            DateTimeOffset.UtcNow);
    }

    /// <summary>Signs in with the password, asks for the options of a new passkey, and adds the driver's software passkey.</summary>
    private static async Task<SoftwareAuthenticator?> AddPasskeyAsync(HttpClient client, string idNumber, string origin)
    {
        using var login = await client.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password = Platform.BenchPassword });
        if (!login.IsSuccessStatusCode) return null;
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var optionsRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{idNumber}/passkeys/options");
        optionsRequest.Headers.Authorization = new("Bearer", token);
        using var optionsAnswer = await client.SendAsync(optionsRequest);
        if (!optionsAnswer.IsSuccessStatusCode) return null;
        var options = await optionsAnswer.Content.ReadFromJsonAsync<JsonElement>();
        var authenticator = new SoftwareAuthenticator(options.GetProperty("rp").GetProperty("id").GetString()!, origin,
            Base64Url.DecodeFromChars(options.GetProperty("user").GetProperty("id").GetString()!));
        using var add = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{idNumber}/passkeys")
        {
            Content = Body(authenticator.Attest(options.GetProperty("challenge").GetString()!), "load driver"),
        };
        add.Headers.Authorization = new("Bearer", token);
        using var added = await client.SendAsync(add);
        return added.StatusCode == HttpStatusCode.Created ? authenticator : null;
    }

    private static StringContent Body(string credentialJson, string? name = null) =>
        new($"{{\"credential\":{credentialJson}{(name is null ? "" : $",\"name\":{JsonSerializer.Serialize(name)}")}}}", Encoding.UTF8, "application/json");
}
