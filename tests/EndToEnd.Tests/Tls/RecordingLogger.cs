using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>A node's log kept in memory, so a test can wait for the line that says why a broker was refused.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

    private event Action<LogLevel, string>? Logged;

    public IReadOnlyList<(LogLevel Level, string Message)> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        _lines.Enqueue((logLevel, message));
        Logged?.Invoke(logLevel, message);
    }

    /// <summary>Completes with the first warning, logged already or to come, that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForWarningAsync(string text) => WaitForAsync(LogLevel.Warning, text);

    /// <summary>Completes with the first line of <paramref name="level"/>, logged already or to come, that contains <paramref name="text"/>.</summary>
    public async Task<string> WaitForAsync(LogLevel level, string text)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLogged(LogLevel logged, string message)
        {
            if (logged == level && message.Contains(text, StringComparison.Ordinal))
            {
                found.TrySetResult(message);
            }
        }

        Logged += OnLogged;
        try
        {
            if (Lines.FirstOrDefault(line => line.Level == level && line.Message.Contains(text, StringComparison.Ordinal)).Message is { } kept)
            {
                return kept;
            }

            try
            {
                return await found.Task.WaitAsync(Eventually.Timeout);
            }
            catch (TimeoutException exception)
            {
                throw new TimeoutException($"No {level} line with '{text}' in: {string.Join(" | ", Lines.Select(line => line.Message))}", exception);
            }
        }
        finally
        {
            Logged -= OnLogged;
        }
    }
}
