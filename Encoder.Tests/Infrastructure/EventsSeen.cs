using System.Collections.Concurrent;
using Encoder.Events;

namespace Encoder.Tests.Infrastructure;

/// <summary>Keeps every event of the class it hears, in order, so a test asserts what happened, not what was said.</summary>
internal sealed class EventsSeen : IClassEventSubscriber
{
    private readonly ConcurrentQueue<ClassEvent> _seen = new();

    public IReadOnlyList<ClassEvent> All => [.. _seen];

    public void Hear(ClassEvent happened) => _seen.Enqueue(happened);

    public List<T> Of<T>() where T : ClassEvent => [.. _seen.OfType<T>()];
}
