using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Orleans.VNeID.IdentityProvider;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0. At consent the provider records which relying party holds tokens for which
/// account session (<c>RelyingPartyRecords.RecordSessionAsync</c>); the account event that ends the session owes each of them a logout, in
/// the same batch as its audit entry (<c>BackChannelLogouts</c> in the grains); and <see cref="BackChannelLogoutSender"/>
/// delivers what is owed until the relying party answers 2xx.
/// </summary>
public static class BackChannelLogout
{
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>A logout token: a JWT of type <c>logout+jwt</c> with the back-channel logout event, the subject and the sid.</summary>
    public static string LogoutToken(SigningCredentials signing, string issuer, string clientId, string subject, string sid, DateTime now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = clientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            TokenType = "logout+jwt",
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["sid"] = sid,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["events"] = new Dictionary<string, object> { [EventType] = new Dictionary<string, object>() },
            },
        });
}

/// <summary>
/// Sends the logouts owed (<c>oidc.logout_deliveries</c>): claims a few due rows at a time (several gateways share the
/// work: <c>for update skip locked</c>), posts a logout token to each relying party's back-channel logout URI, and marks
/// the row delivered on a 2xx answer. Claiming a row pushes its next attempt back (doubling, up to
/// <see cref="OidcOptions.LogoutRetryMax"/>), so a failure or a crash mid-send is retried later; nothing owed is dropped.
/// </summary>
public sealed class BackChannelLogoutSender(
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IOptions<OidcOptions> options,
    IOptionsMonitor<OpenIddictServerOptions> server,
    TimeProvider clock,
    DeliveryRules rules,
    ILogger<BackChannelLogoutSender> logger) : DeliveryLoop(options, scopes, rules, logger)
{
    public const string HttpClientName = "backchannel-logout";

    protected override int BatchSize => 20;

    protected override string What => "Back-channel logouts";

    /// <summary>One round: the due deliveries claimed and sent. Returns how many were claimed.</summary>
    public override async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var claim = dataSource.CreateCommand(
            "update oidc.logout_deliveries set attempts = attempts + 1, " +
            "next_attempt_at = now() + least(make_interval(secs => power(2, least(attempts, 20))), $2) " +
            "where delivery_id in (select delivery_id from oidc.logout_deliveries where delivered_at is null and next_attempt_at <= now() " +
            "order by next_attempt_at limit $1 for update skip locked) " +
            "returning delivery_id, client_id, subject, sid");
        claim.Parameters.AddWithValue(BatchSize);
        claim.Parameters.AddWithValue(Options.LogoutRetryMax);
        var due = new List<(long Id, string Client, string Subject, string Sid)>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                due.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        if (due.Count == 0) return 0;

        var uris = await UrisAsync(due.Select(d => d.Client), RelyingParties.BackchannelLogoutProperty, cancellationToken);
        await Task.WhenAll(due.Select(d => DeliverAsync(d.Id, d.Client, d.Subject, d.Sid, uris[d.Client], cancellationToken)));
        return due.Count;
    }

    private async Task DeliverAsync(long id, string clientId, string subject, string sid, string? uri, CancellationToken cancellationToken)
    {
        if (uri is null)
        {
            // The relying party was removed (or no longer has a back-channel logout URI): nobody to tell.
            await SettleAsync(id, delivered: true, "the relying party has no back-channel logout URI", cancellationToken);
            return;
        }
        var token = BackChannelLogout.LogoutToken(server.CurrentValue.SigningCredentials[0], Options.IssuerUri.AbsoluteUri, clientId,
            subject, sid, clock.GetUtcNow().UtcDateTime);
        var (failure, response) = await PostAsync(http.CreateClient(HttpClientName), uri,
            new FormUrlEncodedContent([new("logout_token", token)]), cancellationToken);
        response?.Dispose();
        if (failure is not null)
            logger.LogWarning("Back-channel logout {Delivery} to {Client} failed ({Failure}); it will be retried", id, clientId, failure);
        await SettleAsync(id, failure is null, failure, cancellationToken);
    }

    private async Task SettleAsync(long id, bool delivered, string? note, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(delivered
            ? "update oidc.logout_deliveries set delivered_at = now(), last_error = $2 where delivery_id = $1"
            : "update oidc.logout_deliveries set last_error = $2 where delivery_id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue((object?)note ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
