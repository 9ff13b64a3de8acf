using System.Diagnostics.Metrics;

namespace Orleans.VNeID.Platform;

/// <summary>
/// The platform's own counters (meter <see cref="MeterName"/>): account events committed by kind (declarations,
/// activations, logins by outcome, lockouts, codes sent, ...), and the 503s the gateway answered.
/// </summary>
public static class PlatformMetrics
{
    public const string MeterName = "Orleans.VNeID";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Account events delivered by the dispatcher (after the audit write), by kind.</summary>
    public static readonly Counter<long> AccountEvents = Meter.CreateCounter<long>("vneid.account_events", "{event}",
        "Account events committed and delivered, by kind");

    /// <summary>Answers 503 Service Unavailable (a silo or the database did not answer in time).</summary>
    public static readonly Counter<long> Unavailable = Meter.CreateCounter<long>("vneid.gateway.unavailable", "{response}",
        "503 answers of the gateway");

    /// <summary>
    /// Posts to relying parties (back-channel logouts, security events), by <c>kind</c> and <c>outcome</c>: delivered,
    /// refused (a 4xx answer), failed (an error answer, a timeout, a reset) or blocked (an endpoint the rules forbid).
    /// </summary>
    public static readonly Counter<long> RelyingPartyPosts = Meter.CreateCounter<long>("vneid.oidc.relying_party_posts", "{post}",
        "Posts to relying parties' endpoints, by kind and outcome");

    /// <summary>
    /// Gauges of the work waiting in the database (<c>vneid.backlog</c>, by <c>queue</c>): undelivered outbox messages,
    /// account events not yet taken off the stream, security events and logouts owed to relying parties, and the dead
    /// letters of both. Read every <c>Telemetry:BacklogInterval</c> by a silo; <see cref="BacklogAge"/> is how old the
    /// oldest waiting item is.
    /// </summary>
    public static void ObserveBacklog(Func<IReadOnlyList<(string Queue, long Items, double OldestSeconds)>> read)
    {
        Meter.CreateObservableGauge("vneid.backlog", () => read().Select(b => new Measurement<long>(b.Items,
            new KeyValuePair<string, object?>("queue", b.Queue))), "{item}", "Items waiting in the database, by queue");
        Meter.CreateObservableGauge(BacklogAge, () => read().Select(b => new Measurement<double>(b.OldestSeconds,
            new KeyValuePair<string, object?>("queue", b.Queue))), "s", "Age of the oldest item waiting, by queue");
    }

    public const string BacklogAge = "vneid.backlog.oldest_age";
}
