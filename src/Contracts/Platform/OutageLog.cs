using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.VNeID.Platform;

/// <summary>How failures of a dependency (the cluster, the database) are logged. Section <c>OutageLog</c>.</summary>
public sealed class OutageLogOptions
{
    public const string Section = "OutageLog";

    /// <summary>
    /// The first failure in a window is logged with its stack trace; the rest of the window's failures are counted and
    /// logged as one line when it ends. Default 10 seconds.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Logs an outage once per window with a count, not one stack trace per failed request: during a database outage a
/// busy gateway would otherwise write thousands of identical traces a second and bury everything else.
/// </summary>
public sealed class OutageLog : IDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly ITimer _flush;
    private readonly Lock _gate = new();
    private DateTimeOffset? _windowStart;
    private int _suppressed;
    private string _what = "";

    public OutageLog(ILoggerFactory loggers, IOptions<OutageLogOptions> options, TimeProvider time)
    {
        _logger = loggers.CreateLogger("Orleans.VNeID.Outages");
        _time = time;
        _window = options.Value.Window > TimeSpan.Zero ? options.Value.Window : TimeSpan.FromSeconds(10);
        _flush = time.CreateTimer(_ => Flush(force: false), null, _window, _window);
    }

    /// <summary>Records one failure of <paramref name="what"/>; logs it only when it opens a window.</summary>
    public void Failed(Exception exception, string what)
    {
        lock (_gate)
        {
            if (_windowStart is { } start && _time.GetUtcNow() - start < _window)
            {
                _suppressed++;
                _what = what;
                return;
            }
            FlushLocked();
            _windowStart = _time.GetUtcNow();
        }
        _logger.LogWarning(exception, "{What} failed because a dependency did not answer; further failures within {Window} are counted, not logged one by one",
            what, _window);
    }

    /// <summary>Writes the count of the window that ended (the timer calls it; tests may too).</summary>
    public void Flush(bool force)
    {
        lock (_gate)
        {
            if (!force && _windowStart is { } start && _time.GetUtcNow() - start < _window) return;
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_suppressed > 0)
            _logger.LogWarning("{Count} more failure(s) because a dependency did not answer in the {Window} after {Start:O} (last: {What})",
                _suppressed, _window, _windowStart, _what);
        _suppressed = 0;
        _windowStart = null;
    }

    public void Dispose()
    {
        _flush.Dispose();
        Flush(force: true);
    }
}

public static class OutageLogRegistration
{
    /// <summary>One <see cref="OutageLog"/> per process, with its window from <c>OutageLog:Window</c>.</summary>
    public static IServiceCollection AddOutageLog(this IServiceCollection services)
    {
        services.AddOptions<OutageLogOptions>().BindConfiguration(OutageLogOptions.Section);
        services.TryAddSingleton(sp => new OutageLog(sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IOptions<OutageLogOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
