using Orleans.VNeID.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Silo;

/// <summary>
/// Reads the platform's queues in the database every <c>Telemetry:BacklogInterval</c> (default 30 s) with one statement and
/// publishes them as the <c>vneid.backlog</c> gauges (docs/operations.md, "Alerts"). Every silo reports the same
/// figures; an alert takes the maximum. A failed read keeps the last figures and is logged once per outage window.
/// </summary>
internal sealed class BacklogGauges(NpgsqlDataSource database, IOptions<ClusterOptions> cluster, IConfiguration configuration,
    ILogger<BacklogGauges> logger) : BackgroundService
{
    private const string Query = """
        select 'outbox', count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::float8
          from notifications.outbox where delivered_at is null
        union all
        select 'stream', count(*), coalesce(extract(epoch from now() - min(created_on)), 0)::float8
          from orleans.stream_messages where service_id = $1
        union all
        select 'stream_dead_letters', count(*), coalesce(extract(epoch from now() - min(dead_on)), 0)::float8
          from orleans.stream_dead_letters where service_id = $1
        union all
        select 'security_events', count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::float8
          from oidc.security_event_deliveries where delivered_at is null and dead_at is null
        union all
        select 'security_events_dead', count(*), coalesce(extract(epoch from now() - min(dead_at)), 0)::float8
          from oidc.security_event_deliveries where dead_at is not null
        union all
        select 'logouts', count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::float8
          from oidc.logout_deliveries where delivered_at is null
        """;

    private volatile IReadOnlyList<(string Queue, long Items, double OldestSeconds)> _last = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        PlatformMetrics.ObserveBacklog(() => _last);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.Read<TelemetrySettings>().BacklogInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await using var command = database.CreateCommand(Query);
                command.Parameters.AddWithValue(cluster.Value.ServiceId);
                var figures = new List<(string, long, double)>();
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken)) figures.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
                _last = figures;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The backlog gauges could not be read ({Error}); they keep their last figures", e.GetType().Name);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
