using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The loop of a durable sender that the database feeds: one round of <see cref="SendDueAsync"/> after another, resting
/// for <see cref="OidcOptions.LogoutPollInterval"/> once a round found less than a full batch, and riding out a database
/// that does not answer (the work stays in the database for the next round).
/// </summary>
public abstract class DeliveryLoop(IOptions<OidcOptions> options, IServiceScopeFactory scopes, DeliveryRules rules, ILogger logger) : BackgroundService
{
    protected OidcOptions Options => options.Value;

    /// <summary>How many items one round takes at most.</summary>
    protected abstract int BatchSize { get; }

    /// <summary>What is delivered, for the log.</summary>
    protected abstract string What { get; }

    /// <summary>One round: the due work claimed and sent. Returns how many items were claimed.</summary>
    public abstract Task<int> SendDueAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await SendDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                logger.LogWarning("{What} could not be read from the database: {Reason}", What, e.Message);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                // Nothing a relying party answers may stop the gateway: the round is given up, logged, and tried again.
                logger.LogError(e, "{What}: a delivery round failed; it is tried again", What);
            }
            if (sent < BatchSize)
            {
                try
                {
                    await Task.Delay(Options.LogoutPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Posts <paramref name="content"/> to a relying party's endpoint; null on a 2xx answer, else what went wrong (with
    /// the answer, for the caller to judge). An endpoint the rules now forbid is not contacted. Every outcome is counted
    /// (<c>vneid.oidc.relying_party_posts</c>).
    /// </summary>
    protected async Task<(string? Failure, HttpResponseMessage? Response)> PostAsync(HttpClient client, string uri, HttpContent content,
        CancellationToken cancellationToken)
    {
        if (rules.Refusal(uri) is { } blocked)
        {
            Count("blocked");
            return (blocked, null);
        }
        try
        {
            // Headers only: a relying party's body is read, bounded, by the caller that needs it, never buffered whole.
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Count(response.IsSuccessStatusCode ? "delivered" : (int)response.StatusCode is >= 400 and < 500 ? "refused" : "failed");
            return (response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}", response);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Count("failed");
            // The reason in the platform's words: an exception's message may quote what the relying party sent.
            return (e is TaskCanceledException ? $"no answer within {DeliveryRules.Timeout.TotalSeconds:0} s" : Reason(e), null);
        }
    }

    private void Count(string outcome) => PlatformMetrics.RelyingPartyPosts.Add(1,
        new KeyValuePair<string, object?>("kind", What), new KeyValuePair<string, object?>("outcome", outcome));

    private static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner.Message.StartsWith("refused:", StringComparison.Ordinal)) return inner.Message;
        return e is HttpRequestException { HttpRequestError: var error } ? $"connection failed ({error})" : "connection failed";
    }

    /// <summary>Each relying party's URI registered as <paramref name="property"/>; null for one that has none or is gone.</summary>
    protected async Task<Dictionary<string, string?>> UrisAsync(IEnumerable<string> clientIds, string property, CancellationToken cancellationToken)
    {
        var uris = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var clientId in clientIds.Distinct())
        {
            var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
            var properties = application is null ? null : await applications.GetPropertiesAsync(application, cancellationToken);
            uris[clientId] = properties is not null && properties.TryGetValue(property, out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
        }
        return uris;
    }
}
