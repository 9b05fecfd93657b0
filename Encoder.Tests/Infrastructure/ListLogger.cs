using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Infrastructure;

/// <summary>Keeps every rendered log line (with its level) so a test can read what the daemon said.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public string Text => string.Join('\n', Lines.Select(l => $"{l.Level}: {l.Message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));
}
