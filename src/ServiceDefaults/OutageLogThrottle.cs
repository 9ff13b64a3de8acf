using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// During an outage of the database or the cluster, every failed request makes the same error, with a stack trace, in
/// several places at once (the gateway, the silo's storage provider, Orleans' activation, the platform's filters):
/// thousands of lines a second that bury everything else. The throttle lets the first dependency failure of each
/// window (<c>OutageLog:Window</c>, default 10 s) through with its stack trace and counts the rest, which it reports as
/// one line when the window ends. Other entries are untouched.
/// </summary>
public sealed class OutageLogThrottle : IDisposable
{
    public const string Category = "Orleans.VNeID.Outages";

    private readonly TimeProvider _time;
    private readonly ITimer _flush;
    private readonly Lock _gate = new();
    private readonly List<ILogger> _summaries = [];
    private DateTimeOffset? _windowStart;
    private int _suppressed;

    public OutageLogThrottle(TimeSpan window, TimeProvider time)
    {
        Window = window > TimeSpan.Zero ? window : TimeSpan.FromSeconds(10);
        _time = time;
        _flush = time.CreateTimer(_ => Flush(force: false), null, Window, Window);
    }

    public TimeSpan Window { get; }

    /// <summary>Whether an entry with this exception is written: always unless it is a dependency failure inside an open window.</summary>
    public bool ShouldWrite(Exception? exception)
    {
        if (exception is null || !IsDependencyFailure(exception)) return true;
        lock (_gate)
        {
            if (_windowStart is { } start && _time.GetUtcNow() - start < Window)
            {
                _suppressed++;
                return false;
            }
            FlushLocked();
            _windowStart = _time.GetUtcNow();
            return true;
        }
    }

    /// <summary>Writes the count of a window that ended (the timer calls it every window).</summary>
    public void Flush(bool force)
    {
        lock (_gate)
        {
            if (!force && _windowStart is { } start && _time.GetUtcNow() - start < Window) return;
            FlushLocked();
        }
    }

    internal void AddSummaryLogger(ILogger logger)
    {
        lock (_gate) _summaries.Add(logger);
    }

    private void FlushLocked()
    {
        if (_suppressed > 0)
        {
            foreach (var logger in _summaries)
                logger.LogWarning("{Count} more log entries for failures of a dependency (database or cluster) in the {Window} from {Start:O} were not written one by one",
                    _suppressed, Window, _windowStart);
        }
        _suppressed = 0;
        _windowStart = null;
    }

    /// <summary>The database, the network or the cluster did not answer (not a defect of the platform).</summary>
    public static bool IsDependencyFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is DbException or SocketException or TimeoutException or PlatformUnavailableException or OrleansException) return true;
        return false;
    }

    public void Dispose()
    {
        _flush.Dispose();
        Flush(force: true);
    }
}

/// <summary>Wraps a logger provider so that its loggers ask the <see cref="OutageLogThrottle"/> before writing an entry with an exception.</summary>
public sealed class ThrottledLoggerProvider : ILoggerProvider
{
    private readonly ILoggerProvider _inner;
    private readonly OutageLogThrottle _throttle;

    public ThrottledLoggerProvider(ILoggerProvider inner, OutageLogThrottle throttle)
    {
        _inner = inner;
        _throttle = throttle;
        throttle.AddSummaryLogger(inner.CreateLogger(OutageLogThrottle.Category));
    }

    public ILogger CreateLogger(string categoryName) => new ThrottledLogger(_inner.CreateLogger(categoryName), _throttle);

    public void Dispose() => _inner.Dispose();

    private sealed class ThrottledLogger(ILogger inner, OutageLogThrottle throttle) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel) || (logLevel >= LogLevel.Warning && !throttle.ShouldWrite(exception))) return;
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}

public static class OutageLogThrottleRegistration
{
    /// <summary>Wraps every logger provider registered so far in the throttle (one per process).</summary>
    public static IHostApplicationBuilder AddOutageLogThrottle(this IHostApplicationBuilder builder)
    {
        var window = builder.Configuration.Read<OutageLogSettings>().Window;
        var throttle = new OutageLogThrottle(window, TimeProvider.System);
        builder.Services.AddSingleton(throttle);
        var services = builder.Services;
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new ThrottledLoggerProvider(Create(sp, descriptor), throttle));
        }
        return builder;
    }

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as ILoggerProvider
        ?? descriptor.ImplementationFactory?.Invoke(services) as ILoggerProvider
        ?? (ILoggerProvider)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
