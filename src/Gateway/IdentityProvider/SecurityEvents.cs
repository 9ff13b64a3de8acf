using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Security event tokens (RFC 8417) pushed to relying parties (RFC 8935). At consent the provider records that a relying
/// party registered for security events has seen the account, with the subject it was given
/// (<c>RelyingPartyRecords.RecordSubjectAsync</c>); the account-events stream's consumer owes it the events that matter to it
/// (<c>SecurityEventsGrain</c> in the grains, with what each account event means to them in src/IdentityProvider,
/// <c>SecurityEventsOwed.cs</c>); <see cref="SecurityEventSender"/> delivers them in order.
/// </summary>
public static class SecurityEvents
{
    public const string TokenType = "secevent+jwt";
    public const string MediaType = "application/secevent+jwt";

    /// <summary>
    /// A SET: <c>typ</c> <c>secevent+jwt</c>, the relying party as audience, a <c>jti</c> that stays the same for every
    /// attempt of one delivery (receivers drop repeats by it), the subject as an SSF <c>iss_sub</c> subject identifier,
    /// and one event with its time and initiating entity. No <c>exp</c> (a SET states a fact) and no <c>sub</c>.
    /// </summary>
    public static string Token(SigningCredentials signing, string issuer, string clientId, OwedSecurityEvent owed, DateTime now)
    {
        var payload = JsonNode.Parse(owed.Detail)!.AsObject();
        payload["event_timestamp"] = owed.OccurredAt.ToUnixTimeSeconds();
        payload["initiating_entity"] = owed.InitiatingEntity;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = clientId,
            IssuedAt = now,
            TokenType = TokenType,
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>
            {
                ["jti"] = $"vneid-set-{owed.DeliveryId}",
                ["sub_id"] = new Dictionary<string, object> { ["format"] = "iss_sub", ["iss"] = issuer, ["sub"] = owed.Subject },
                ["events"] = new Dictionary<string, object> { [owed.EventType] = JsonSerializer.Deserialize<JsonElement>(payload.ToJsonString()) },
            },
        });
    }

    /// <summary>Operators: the deliveries that were dead-lettered or are waiting, and a redrive.</summary>
    public static IEndpointRouteBuilder MapSecurityEventDeliveries(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/security-events").WithTags("Events");
        group.MapGet("/deliveries", ListAsync)
            .WithName("ListSecurityEventDeliveries")
            .WithSummary("Security events not delivered to relying parties: dead letters (state=dead, the default) or those waiting (state=pending) (operator)")
            .WithDescription("Each delivery: its id, the relying party, the event type, the account event id, when it was owed, attempts, the last error and, for a dead letter, when it was given up. At most 200, oldest first.")
            .ProducesProblems(400, 401, 403, 503)
            .RequireAuthorization(Policies.Operator);
        group.MapPost("/deliveries/{deliveryId:long}/redrive", RedriveAsync)
            .WithName("RedriveSecurityEventDelivery")
            .WithSummary("Sends a dead-lettered security event again (operator)")
            .ProducesProblems(401, 403, 404, 503)
            .RequireAuthorization(Policies.Operator);
        return app;
    }

    public sealed record Delivery(long DeliveryId, string ClientId, string EventType, string EventId, DateTimeOffset OwedAt, int Attempts,
        string? LastError, DateTimeOffset? DeadAt);

    public static async Task<Results<Ok<Delivery[]>, ValidationProblem>> ListAsync(NpgsqlDataSource database, string? state, CancellationToken cancellationToken)
    {
        var dead = (state ?? "dead") switch
        {
            "dead" => true,
            "pending" => false,
            _ => (bool?)null,
        };
        if (dead is null) return ProblemWriter.Validation(new Dictionary<string, string[]> { ["state"] = ["state is dead or pending."] });
        await using var command = database.CreateCommand(
            "select delivery_id, client_id, event_type, event_id, created_at, attempts, last_error, dead_at from oidc.security_event_deliveries " +
            (dead.Value ? "where dead_at is not null" : "where delivered_at is null and dead_at is null") + " order by delivery_id limit 200");
        var deliveries = new List<Delivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            deliveries.Add(new Delivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        return TypedResults.Ok(deliveries.ToArray());
    }

    /// <summary>A dead letter goes back in its relying party's queue (after what it holds now: a redrive may arrive out of order).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RedriveAsync(NpgsqlDataSource database, long deliveryId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "update oidc.security_event_deliveries set dead_at = null, attempts = 0, created_at = now() " +
            "where delivery_id = $1 and dead_at is not null");
        command.Parameters.AddWithValue(deliveryId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1
            ? TypedResults.NoContent()
            : ProblemWriter.Result(Errors.ErrorCatalogue.NotFound, "No dead-lettered security event delivery has this id.");
    }
}

/// <summary>A security event owed to one relying party, as the sender reads it.</summary>
public sealed record OwedSecurityEvent(long DeliveryId, string Subject, string EventType, DateTimeOffset OccurredAt, string InitiatingEntity,
    string Detail, DateTimeOffset OwedAt);

/// <summary>
/// Delivers the security events owed (<c>oidc.security_event_deliveries</c>), each relying party's in the order they
/// were owed: a round leases a few relying parties with deliveries due (<c>oidc.security_event_receivers</c>; several
/// gateways share the work, one relying party at a time), posts their SETs one after another (RFC 8935), and stops at the
/// first that fails, backing that relying party off (doubling, up to <see cref="OidcOptions.LogoutRetryMax"/>) with the
/// rest waiting behind it. A relying party that refuses a SET (400, an RFC 8935 error) gets it dead-lettered, as does a
/// delivery still unanswered after <see cref="OidcOptions.SecurityEventGiveUpAfter"/>; operators read and redrive dead
/// letters. A lease outlives a gateway that dies mid-round by a minute at most, and the next round sends again what was
/// not marked delivered (the same <c>jti</c>).
/// </summary>
public sealed class SecurityEventSender(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IOptions<OidcOptions> options,
    IOptionsMonitor<OpenIddictServerOptions> server,
    TimeProvider clock,
    DeliveryRules rules,
    ILogger<SecurityEventSender> logger) : DeliveryLoop(options, scopes, rules, logger)
{
    public const string HttpClientName = "security-events";
    private const int ReceiversPerRound = 8;
    private const int EventsPerReceiver = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected override int BatchSize => ReceiversPerRound;

    protected override string What => "Security events";

    public override async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var claim = dataSource.CreateCommand(
            "with due as (select distinct client_id from oidc.security_event_deliveries where delivered_at is null and dead_at is null) " +
            "insert into oidc.security_event_receivers (client_id, leased_until) " +
            "select due.client_id, now() + $2 from due left join oidc.security_event_receivers r using (client_id) " +
            "where r.client_id is null or (r.next_attempt_at <= now() and r.leased_until <= now()) limit $1 " +
            "on conflict (client_id) do update set leased_until = excluded.leased_until " +
            "where oidc.security_event_receivers.next_attempt_at <= now() and oidc.security_event_receivers.leased_until <= now() " +
            "returning client_id");
        claim.Parameters.AddWithValue(ReceiversPerRound);
        claim.Parameters.AddWithValue(Lease);
        var leased = new List<string>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) leased.Add(reader.GetString(0));
        if (leased.Count == 0) return 0;

        var uris = await UrisAsync(leased, RelyingParties.SecurityEventsProperty, cancellationToken);
        await Task.WhenAll(leased.Select(client => DeliverInOrderAsync(client, uris[client], cancellationToken)));
        return leased.Count;
    }

    private async Task DeliverInOrderAsync(string clientId, string? uri, CancellationToken cancellationToken)
    {
        await using var read = dataSource.CreateCommand(
            "select delivery_id, subject, event_type, occurred_at, initiating_entity, detail::text, created_at from oidc.security_event_deliveries " +
            "where client_id = $1 and delivered_at is null and dead_at is null order by delivery_id limit $2");
        read.Parameters.AddWithValue(clientId);
        read.Parameters.AddWithValue(EventsPerReceiver);
        var owed = new List<OwedSecurityEvent>();
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                owed.Add(new OwedSecurityEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));

        string? failure = null;
        foreach (var item in owed)
        {
            if (uri is null)
            {
                await SettleAsync(item.DeliveryId, "delivered_at", "the relying party is gone or no longer takes security events", cancellationToken);
                continue;
            }
            if (clock.GetUtcNow() - item.OwedAt > Options.SecurityEventGiveUpAfter)
            {
                await SettleAsync(item.DeliveryId, "dead_at", $"undelivered for longer than {Options.SecurityEventGiveUpAfter}", cancellationToken);
                continue;
            }
            var token = SecurityEvents.Token(server.CurrentValue.SigningCredentials[0], Options.IssuerUri.AbsoluteUri, clientId, item, clock.GetUtcNow().UtcDateTime);
            var content = new StringContent(token, System.Text.Encoding.ASCII);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(SecurityEvents.MediaType);
            var (error, response) = await PostAsync(http.CreateClient(HttpClientName), uri, content, cancellationToken);
            using (response)
            {
                if (error is null)
                {
                    await SettleAsync(item.DeliveryId, "delivered_at", null, cancellationToken);
                    continue;
                }
                if (response?.StatusCode == System.Net.HttpStatusCode.BadRequest)
                {
                    // RFC 8935 §2.3: the receiver refused this SET (its "err" says why); sending it again would not help. What a
                    // relying party sends back is hostile input: a bounded read, whatever its charset, and only a well-formed
                    // error code kept (never its description, which an operator would read).
                    var refusal = await RefusalCodeAsync(response, cancellationToken);
                    logger.LogWarning("Relying party {Client} refused security event {Delivery}: {Refusal}", clientId, item.DeliveryId, refusal);
                    await SettleAsync(item.DeliveryId, "dead_at", $"refused: {refusal}", cancellationToken);
                    continue;
                }
            }
            failure = error;
            logger.LogWarning("Security event {Delivery} to {Client} failed ({Failure}); it and those after it will be retried", item.DeliveryId, clientId, failure);
            await SettleAsync(item.DeliveryId, settled: null, failure, cancellationToken);
            break;
        }

        // Release the lease: at once after a good round, after the back-off after a failed one.
        await using var release = dataSource.CreateCommand(failure is null
            ? "update oidc.security_event_receivers set leased_until = now(), next_attempt_at = now(), failures = 0, last_error = null where client_id = $1"
            : "update oidc.security_event_receivers set leased_until = now(), failures = failures + 1, last_error = $2, " +
              "next_attempt_at = now() + least(make_interval(secs => power(2, least(failures, 20))), $3) where client_id = $1");
        release.Parameters.AddWithValue(clientId);
        if (failure is not null)
        {
            release.Parameters.AddWithValue(failure);
            release.Parameters.AddWithValue(Options.LogoutRetryMax);
        }
        await release.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The RFC 8935 error code of a refusal (<c>err</c>, a short token such as <c>invalid_key</c>), read from at most
    /// 4 KiB of the body as UTF-8 whatever charset it claims, within the delivery timeout; "HTTP 400" when there is none.
    /// </summary>
    public static async Task<string> RefusalCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        // A body that drips or breaks off is judged by what came within the delivery timeout.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(DeliveryRules.Timeout);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(bounded.Token);
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), bounded.Token)) > 0) length += read;
        }
        catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return "HTTP 400";
        }
        return RefusalCode(buffer.AsSpan(0, length));
    }

    /// <summary>The <c>err</c> of an RFC 8935 error body when it is a short token of letters, digits and underscores; else "HTTP 400".</summary>
    public static string RefusalCode(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("err", out var err) &&
                err.ValueKind == JsonValueKind.String && err.GetString() is { Length: > 0 and <= 64 } code &&
                code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return code;
        }
        catch (JsonException)
        {
            // Not JSON: nothing of it is kept.
        }
        return "HTTP 400";
    }

    /// <summary>Counts an attempt with its note; <paramref name="settled"/> (delivered_at or dead_at) ends the delivery, null leaves it owed.</summary>
    private async Task SettleAsync(long id, string? settled, string? note, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"update oidc.security_event_deliveries set {(settled is null ? "" : settled + " = now(), ")}attempts = attempts + 1, last_error = $2 where delivery_id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue((object?)note ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
