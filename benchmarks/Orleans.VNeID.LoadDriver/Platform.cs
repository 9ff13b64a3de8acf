using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Orleans.VNeID.LoadDriver;

public sealed record Citizen(string IdNumber, string FullName, DateOnly DateOfBirth, string Gender, string Phone);

/// <summary>The running platform as a load driver sees it: the gateway's HTTP API and the platform's database.</summary>
public sealed class Platform(string gatewayUrl, string connectionString, int connections) : IDisposable
{
    public const string BenchPassword = "Bench@2026x";
    public HttpClient Http { get; } = Load.Client(gatewayUrl, connections);
    public string ConnectionString => connectionString;

    /// <summary>Registry citizens who may declare (14 or older, with a phone) and were not used by an earlier step of the run.</summary>
    public async Task<List<Citizen>> TakeCitizensAsync(int count)
    {
        await using var db = await OpenAsync();
        await Execute(db, "create schema if not exists bench; create table if not exists bench.used (id_number text primary key)");
        var list = new List<Citizen>(count);
        await using (var cmd = new NpgsqlCommand("""
            select c.id_number, c.full_name, c.date_of_birth, c.gender, c.phone from registry.citizens c
            where c.phone is not null and c.date_of_birth < current_date - interval '15 years'
              and not exists (select from bench.used u where u.id_number = c.id_number)
            order by c.id_number limit @n
            """, db))
        {
            cmd.Parameters.AddWithValue("n", count);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                list.Add(new Citizen(r.GetString(0), r.GetString(1), DateOnly.FromDateTime(r.GetDateTime(2)), r.GetInt16(3) == 0 ? "male" : "female", r.GetString(4)));
        }
        if (list.Count < count) throw new InvalidOperationException($"The registry has only {list.Count} unused citizens; seed more (VNEID_SEED_COUNT).");
        await using (var mark = new NpgsqlCommand("insert into bench.used select unnest(@ids) on conflict do nothing", db))
        {
            mark.Parameters.AddWithValue("ids", list.Select(c => c.IdNumber).ToArray());
            await mark.ExecuteNonQueryAsync();
        }
        return list;
    }

    /// <summary>Declares each citizen; returns those whose declaration was accepted.</summary>
    public async Task<(Rate Rate, List<Citizen> Accepted)> DeclareAllAsync(IReadOnlyList<Citizen> citizens, int concurrency, Action<string>? progress = null)
    {
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Citizen>();
        var rate = await Load.RunAsync(citizens, concurrency, async c =>
        {
            var ok = await DeclareAsync(c);
            if (ok) accepted.Add(c);
            return ok;
        }, progress);
        return (rate, accepted.ToList());
    }

    public async Task<bool> DeclareAsync(Citizen c)
    {
        using var answer = await Http.PostAsJsonAsync("/api/v1/accounts", new
        {
            idNumber = c.IdNumber, fullName = c.FullName, dateOfBirth = c.DateOfBirth.ToString("yyyy-MM-dd"), gender = c.Gender, phone = c.Phone,
        });
        return answer.StatusCode == HttpStatusCode.Accepted;
    }

    /// <summary>Waits until every account has its activation-code message in the outbox; returns the seconds waited.</summary>
    public async Task<double> WaitUntilQueuedAsync(IReadOnlyList<Citizen> citizens, TimeSpan limit)
    {
        var ids = citizens.Select(c => c.IdNumber).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var db = await OpenAsync();
        while (true)
        {
            await using var cmd = new NpgsqlCommand("select count(distinct account_id) from notifications.outbox where account_id = any(@ids)", db);
            cmd.Parameters.AddWithValue("ids", ids);
            var queued = (long)(await cmd.ExecuteScalarAsync())!;
            if (queued >= ids.Length) return clock.Elapsed.TotalSeconds;
            if (clock.Elapsed > limit) throw new TimeoutException($"Only {queued} of {ids.Length} activation messages reached the outbox in {limit}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The latest code sent to the phone, read from the development inbox.</summary>
    public async Task<string> CodeForAsync(Citizen c)
    {
        for (var attempt = 0; ; attempt++)
        {
            var messages = await Http.GetFromJsonAsync<JsonArray>($"/api/v1/dev/messages?recipient={Uri.EscapeDataString(c.Phone)}&limit=1");
            if (messages is [{ } latest, ..] && latest["body"]?.GetValue<string>() is { Length: >= 6 } body) return body[..6];
            if (attempt > 100) throw new InvalidOperationException($"No code reached {c.Phone}.");
            await Task.Delay(100);
        }
    }

    public async Task<HttpStatusCode> ActivateAsync(string idNumber, string code)
    {
        using var answer = await Http.PostAsJsonAsync($"/api/v1/accounts/{idNumber}/activation", new { otp = code, password = BenchPassword });
        return answer.StatusCode;
    }

    public async Task<string?> LogInAsync(string idNumber)
    {
        using var answer = await Http.PostAsJsonAsync("/api/v1/sessions", new { idNumber, password = BenchPassword });
        return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>() : null;
    }

    /// <summary>
    /// A demo service account's token: its secret and the second-factor code its authenticator would show, read from the
    /// Development route. A code is taken once; a second token within the same 30-second step waits for the next code.
    /// </summary>
    public async Task<string> ServiceTokenAsync(string clientId, string secret)
    {
        for (var attempt = 1; ; attempt++)
        {
            var code = await Http.GetFromJsonAsync<string>($"/api/v1/dev/staff-code/{clientId}");
            using var answer = await Http.PostAsJsonAsync("/api/v1/service-tokens", new { clientId, clientSecret = secret, code });
            if (answer.IsSuccessStatusCode) return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
            if (attempt == 3) answer.EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(31 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30));
        }
    }

    public async Task<bool> StaffActionAsync(string token, string idNumber, string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/accounts/{idNumber}/{action}")
        {
            Content = JsonContent.Create(new { reason = $"benchmark {action}" }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var answer = await Http.SendAsync(request);
        return answer.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Declares, then activates each citizen with the code sent to them; returns those activated.</summary>
    public async Task<List<string>> PrepareActivatedAsync(int count, int concurrency)
    {
        var (_, citizens) = await DeclareAllAsync(await TakeCitizensAsync(count), concurrency);
        await WaitUntilQueuedAsync(citizens, TimeSpan.FromMinutes(2));
        var activated = new List<string>();
        await Load.RunAsync(citizens, concurrency, async c =>
        {
            var ok = await ActivateAsync(c.IdNumber, await CodeForAsync(c)) == HttpStatusCode.OK;
            if (ok) lock (activated) activated.Add(c.IdNumber);
            return ok;
        });
        return activated;
    }

    public async Task<Dictionary<string, long>> TableBytesAsync(params string[] tables)
    {
        await using var db = await OpenAsync();
        var sizes = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand("select pg_total_relation_size(@t::regclass)", db);
            cmd.Parameters.AddWithValue("t", table);
            sizes[table] = (long)(await cmd.ExecuteScalarAsync())!;
        }
        return sizes;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        return db;
    }

    private static async Task Execute(NpgsqlConnection db, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        await cmd.ExecuteNonQueryAsync();
    }

    public void Dispose() => Http.Dispose();
}
