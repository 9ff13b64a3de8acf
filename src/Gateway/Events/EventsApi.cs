using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Events;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Gateway.Validation;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Gateway.Events;

/// <summary>
/// The operators' view of the account-events stream: a live feed as Server-Sent Events (no personal data beyond the ID
/// number) and the per-kind counters kept by the stream's counting consumer.
/// </summary>
public static class EventsApi
{
    public static IServiceCollection AddOperatorFeed(this IServiceCollection services)
    {
        services.AddSingleton<StaffReferences>();
        services.AddSingleton<OperatorEventFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorEventFeed>());
        return services;
    }

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/events").WithTags("Events");
        events.MapGet("/", Live)
            .WithName("WatchAccountEvents")
            .WithSummary("Account events as they happen, as Server-Sent Events (operator)")
            .WithDescription("Each event: `id` is the event id (account and sequence; repeats may occur and carry the same id), `event` its kind, `data` the account, its sequence, the states, the time and the actor: a staff member as a pseudonymous reference and their office, never their client id. The feed is live and ordered only roughly: order an account's events by `sequence`. `kind` (repeatable) keeps only those kinds; `office` (an office code) keeps only what that office's officers did (locks, unlocks, level-2 decisions, wallet changes, reads). The feed ends when the operator's token expires or is revoked.")
            .Produces<FeedEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblems(400, 401, 403)
            .RequireAuthorization(Policies.Operator);
        events.MapGet("/counts", CountsAsync)
            .WithName("CountAccountEvents")
            .WithSummary("How many account events of each kind the cluster has committed (operator)")
            .ProducesProblems(401, 403, 503)
            .RequireAuthorization(Policies.Operator);
        return app;
    }

    /// <summary>A kind as the API spells it (camelCase, as in JSON).</summary>
    public static string NameOf(AccountEventKind kind) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    public static Results<LiveEvents, ValidationProblem> Live(OperatorEventFeed feed,
        [Microsoft.AspNetCore.Mvc.FromQuery] string[]? kind, string? office, HttpContext http, Microsoft.Extensions.Options.IOptions<OfficeOptions> offices,
        Microsoft.Extensions.Options.IOptions<Dictionary<string, ServiceAccount>> staff, StaffReferences references, IClusterClient cluster)
    {
        Func<PublishedAccountEvent, bool>? byOffice = null;
        if (office is not null)
        {
            if (!offices.Value.Offices.Any(o => o.Code == office))
                return ProblemWriter.Validation(new Dictionary<string, string[]> { ["office"] = [$"Unknown office {office}."] });
            var officers = staff.Value.Where(a => a.Value.Role == Roles.Officer && a.Value.Office == office).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
            byOffice = evt => evt.ActorRole == ActorRole.Officer && officers.Contains(evt.ActorId);
        }
        var kinds = new HashSet<AccountEventKind>();
        foreach (var name in kind ?? [])
        {
            if (!Enum.TryParse<AccountEventKind>(name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return ProblemWriter.Validation(new Dictionary<string, string[]> { ["kind"] = [$"Unknown event kind {name}."] });
            kinds.Add(parsed);
        }
        // The feed lives no longer than the token that opened it: it ends at its expiry, or within a check when it is revoked.
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        http.Response.RegisterForDispose(lifetime);
        _ = EndWithTokenAsync(http.User, cluster, http.RequestServices.GetRequiredService<TimeProvider>(), lifetime);
        return new LiveEvents(feed.ListenAsync(evt => (kinds.Count == 0 || kinds.Contains(evt.Kind)) && (byOffice is null || byOffice(evt)),
            lifetime.Token), references);
    }

    /// <summary>How often an open feed asks whether its token was revoked.</summary>
    public static readonly TimeSpan RevocationCheck = TimeSpan.FromSeconds(5);

    private static async Task EndWithTokenAsync(System.Security.Claims.ClaimsPrincipal user, IClusterClient cluster, TimeProvider clock,
        CancellationTokenSource lifetime)
    {
        var expires = long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : clock.GetUtcNow();
        var issued = long.TryParse(user.FindFirst("iat")?.Value, out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : DateTimeOffset.MinValue;
        var (clientId, tokenId) = (user.Identity?.Name ?? "", user.FindFirst("jti")?.Value ?? "");
        var staff = cluster.GetGrain<Orleans.VNeID.Staff.IStaffAccessGrain>(0);
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var left = expires - clock.GetUtcNow();
                if (left <= TimeSpan.Zero) break;
                await Task.Delay(left < RevocationCheck ? left : RevocationCheck, clock, lifetime.Token);
                if (await staff.IsRevokedAsync(clientId, tokenId, issued)) break;
            }
            lifetime.Cancel();
        }
        catch (OperationCanceledException)
        {
            // The operator closed the feed.
        }
        catch (ObjectDisposedException)
        {
            // The request is over.
        }
        catch (Exception) when (!lifetime.IsCancellationRequested)
        {
            // The revocation check failed (the cluster did not answer): the feed ends rather than outlive a revoked token.
            try { lifetime.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    public static async Task<Ok<Dictionary<string, long>>> CountsAsync(IClusterClient cluster)
    {
        var counted = await cluster.GetGrain<IEventCountsGrain>(0).ReadAsync();
        return TypedResults.Ok(Enum.GetValues<AccountEventKind>().ToDictionary(
            NameOf, k => counted.GetValueOrDefault(k)));
    }
}

/// <summary>
/// Server-Sent Events whose headers go out at once (the listener knows it is subscribed before the first event), each
/// event as JSON with its kind and id.
/// </summary>
public sealed class LiveEvents(IAsyncEnumerable<SseItem<PublishedAccountEvent>> items, StaffReferences references) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache,no-store";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.Body.FlushAsync(http.RequestAborted);
        var json = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            await SseFormatter.WriteAsync(items, http.Response.Body,
                (item, writer) => { using var json8 = new System.Text.Json.Utf8JsonWriter(writer); System.Text.Json.JsonSerializer.Serialize(json8, FeedEvent.Of(item.Data, references), json); },
                http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The operator closed the feed.
        }
    }
}

/// <summary>
/// An event as the live feed shows it. A citizen acting on their own account appears as the account; a staff member as
/// <see cref="StaffReferences"/>'s reference and their office, never the client id they sign in with.
/// </summary>
public sealed record FeedEvent(
    string AccountId, long Sequence, AccountEventKind Kind, AccountStatus From, AccountStatus To, DateTimeOffset OccurredAt,
    ActorRole ActorRole, string Actor, string? ActorOffice)
{
    public static FeedEvent Of(PublishedAccountEvent evt, StaffReferences references)
    {
        var staff = evt.ActorRole is ActorRole.Officer or ActorRole.Operator;
        return new(evt.AccountId, evt.Sequence, evt.Kind, evt.From, evt.To, evt.OccurredAt, evt.ActorRole,
            staff ? references.Of(evt.ActorId) : evt.ActorId, staff ? references.OfficeOf(evt.ActorId) : null);
    }
}

/// <summary>
/// The gateway's end of the live feed: an Orleans observer subscribed to <see cref="IOperatorFeedGrain"/> (renewed every
/// 30 s), fanning each event out to the connected operators. A slow listener loses its oldest events, never the feed.
/// </summary>
public sealed class OperatorEventFeed(IClusterClient cluster, ILogger<OperatorEventFeed> logger) : BackgroundService, IAccountEventObserver
{
    private readonly ConcurrentDictionary<Channel<PublishedAccountEvent>, byte> _listeners = new();

    public Task OnEventsAsync(IReadOnlyList<PublishedAccountEvent> events)
    {
        foreach (var listener in _listeners.Keys)
            foreach (var evt in events) listener.Writer.TryWrite(evt);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<SseItem<PublishedAccountEvent>> ListenAsync(Func<PublishedAccountEvent, bool> wanted,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<PublishedAccountEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        _listeners[channel] = 0;
        try
        {
            await foreach (var evt in channel.Reader.ReadAllAsync(cancellationToken))
                if (wanted(evt))
                    yield return new SseItem<PublishedAccountEvent>(evt, EventsApi.NameOf(evt.Kind)) { EventId = evt.EventId };
        }
        finally
        {
            _listeners.TryRemove(channel, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = cluster.CreateObjectReference<IAccountEventObserver>(this);
        var feed = cluster.GetGrain<IOperatorFeedGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            var renewIn = TimeSpan.FromSeconds(30);
            try
            {
                await feed.SubscribeAsync(self);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cluster is not reachable yet (start-up) or now: try again soon.
                logger.LogWarning("The operators' event feed could not be subscribed to: {Reason}", e.Message);
                renewIn = TimeSpan.FromSeconds(1);
            }
            try
            {
                await Task.Delay(renewIn, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Leaving: the feed grain stops sending here at once instead of when the subscription lapses.
        try
        {
            await feed.UnsubscribeAsync(self);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug("The operators' event feed could not be left: {Reason}", e.Message);
        }
    }
}
