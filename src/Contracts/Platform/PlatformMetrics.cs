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
}
