using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>Keeps every log line of a host so tests can assert on them (and fail on unexpected errors).</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    /// <summary>Raised for every line, after it is kept.</summary>
    public event Action<LogLine>? Logged;

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, this);

    /// <summary>Completes with the first line, kept already or to come, that matches <paramref name="predicate"/>.</summary>
    public Task<LogLine> WaitForAsync(Func<LogLine, bool> predicate, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLogged(LogLine line)
        {
            if (predicate(line))
            {
                found.TrySetResult(line);
            }
        }

        Logged += OnLogged;
        if (Lines.FirstOrDefault(predicate) is { } kept)
        {
            found.TrySetResult(kept);
        }

        return found.Task.WaitAsync(timeout).ContinueWith(
            task =>
            {
                Logged -= OnLogged;
                return task;
            },
            TaskScheduler.Default).Unwrap();
    }

    public void Dispose()
    {
    }

    internal sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception);

    private sealed class Collector(string category, CollectingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new LogLine(logLevel, category, formatter(state, exception), exception);
            provider.Lines.Enqueue(line);
            provider.Logged?.Invoke(line);
        }
    }
}
