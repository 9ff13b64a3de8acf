using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.VNeID.ServiceDefaults;

namespace Orleans.VNeID.Tests.Platform;

public class OutageLogThrottleTests
{
    private sealed class Recorder : ILoggerProvider, ILogger
    {
        public List<(string Category, string Message, Exception? Exception)> Lines { get; init; } = [];
        private string _category = "";
        public ILogger CreateLogger(string categoryName) => new Recorder { _category = categoryName, Lines = Lines };
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add((_category, formatter(state, exception), exception));
        }
        public void Dispose() { }
    }

    [Fact]
    public void Bad_input_an_outage_is_logged_once_per_window_with_a_count_not_once_per_request()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var recorder = new Recorder();
        using var throttle = new OutageLogThrottle(TimeSpan.FromSeconds(10), clock);
        using var provider = new ThrottledLoggerProvider(recorder, throttle);
        var gateway = provider.CreateLogger("Gateway");
        var storage = provider.CreateLogger("Orleans.Storage.AdoNetGrainStorage");

        // A database outage: every request fails in two places.
        for (var i = 0; i < 2_500; i++)
        {
            gateway.LogWarning(new TimeoutException("database down"), "Cluster or database unavailable");
            storage.LogError(new InvalidOperationException("read failed", new System.Net.Sockets.SocketException()), "Error reading grain state");
        }
        Assert.Single(recorder.Lines);
        Assert.NotNull(recorder.Lines[0].Exception);

        // Other entries are untouched: a defect, and information.
        gateway.LogError(new NullReferenceException(), "Unhandled exception");
        gateway.LogInformation("Dossier received");
        Assert.Equal(3, recorder.Lines.Count);

        clock.Advance(TimeSpan.FromSeconds(10)); // the timer closes the window with one line
        Assert.Equal(4, recorder.Lines.Count);
        Assert.Equal(OutageLogThrottle.Category, recorder.Lines[3].Category);
        Assert.Contains("4999 more log entries", recorder.Lines[3].Message);

        storage.LogError(new TimeoutException("still down"), "Error reading grain state");
        Assert.Equal(5, recorder.Lines.Count);
    }
}
