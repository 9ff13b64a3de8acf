using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Tests.Platform;

/// <summary>Traces are recorded only when they are exported; metrics always are.</summary>
public sealed class TelemetryTests
{
    private static (bool Tracer, bool Listened) Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.AddPlatformTelemetry(tracing => tracing.AddSource("vneid.test"));
        using var host = builder.Build();
        var tracer = host.Services.GetService<TracerProvider>() is not null;
        using var source = new ActivitySource("vneid.test");
        return (tracer, source.HasListeners());
    }

    [Fact]
    public void Without_an_exporter_no_trace_is_recorded()
    {
        Assert.Equal((false, false), Host([]));
        Assert.False(Telemetry.TracesExported(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
    }

    [Fact]
    public void An_OTLP_endpoint_or_console_traces_record_the_platforms_and_the_hosts_sources()
    {
        Assert.Equal((true, true), Host(new() { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317" }));
        Assert.Equal((true, true), Host(new() { ["Telemetry:ConsoleTraces"] = "true" }));
    }
}
