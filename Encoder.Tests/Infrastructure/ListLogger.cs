using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Infrastructure;

/// <summary>Keeps every rendered log line (with its level and event id) so a test can tell what the daemon said.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    /// <summary>Each line's level and event id, in order: what a test asserts when a log line matters.</summary>
    public ConcurrentQueue<(LogLevel Level, int EventId)> Said { get; } = new();

    public string Text => string.Join('\n', Lines.Select(l => $"{l.Level}: {l.Message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Said.Enqueue((logLevel, eventId.Id));
        Lines.Enqueue((logLevel, formatter(state, exception)));
    }
}
