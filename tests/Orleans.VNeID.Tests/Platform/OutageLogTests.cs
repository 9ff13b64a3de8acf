using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.VNeID.Platform;

namespace Orleans.VNeID.Tests.Platform;

public class OutageLogTests
{
    private sealed class Recorder : ILoggerProvider, ILogger
    {
        public List<(string Message, Exception? Exception)> Lines { get; } = [];
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add((formatter(state, exception), exception));
        }
        public void Dispose() { }
    }

    [Fact]
    public void Bad_input_an_outage_is_logged_once_per_window_with_a_count_not_once_per_request()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var recorder = new Recorder();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(recorder));
        using var outages = new OutageLog(loggers, Options.Create(new OutageLogOptions { Window = TimeSpan.FromSeconds(10) }), clock);

        for (var i = 0; i < 5_000; i++) outages.Failed(new TimeoutException("database down"), "POST /api/v1/accounts");
        Assert.Single(recorder.Lines);
        Assert.NotNull(recorder.Lines[0].Exception);

        clock.Advance(TimeSpan.FromSeconds(10)); // the timer closes the window
        Assert.Equal(2, recorder.Lines.Count);
        Assert.Contains("4999 more failure(s)", recorder.Lines[1].Message);
        Assert.Null(recorder.Lines[1].Exception);

        outages.Failed(new TimeoutException("still down"), "POST /api/v1/sessions");
        Assert.Equal(3, recorder.Lines.Count);
    }
}
