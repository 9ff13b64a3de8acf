using Orleans.VNeID.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every host (section <c>Telemetry</c>): runtime, Orleans' meter and activity sources, Npgsql's
/// metrics and traces, and <see cref="PlatformMetrics"/>; exported over OTLP when <c>Telemetry:OtlpEndpoint</c> is set,
/// and traces to the console when <c>Telemetry:ConsoleTraces</c> is true. The gateway adds its HTTP instrumentation and
/// the Prometheus scrape endpoint; a silo serves Prometheus on <c>Telemetry:MetricsPort</c>.
/// </summary>
public static class Telemetry
{
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static OpenTelemetryBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = builder.Configuration["Telemetry:OtlpEndpoint"];
        var console = builder.Configuration.GetValue("Telemetry:ConsoleTraces", false);
        return builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName,
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.Orleans", PlatformMetrics.MeterName).AddRuntimeInstrumentation().AddNpgsqlInstrumentation();
                if (!string.IsNullOrWhiteSpace(otlp)) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(OrleansActivitySources).AddNpgsql();
                if (!string.IsNullOrWhiteSpace(otlp)) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                if (console) tracing.AddConsoleExporter();
            });
    }
}
