namespace Encoder.Events;

/// <summary>Something that happened in the class, at <paramref name="At"/>: published once, where it happened (<see cref="ClassEvents"/>).</summary>
public abstract record ClassEvent(DateTimeOffset At);

/// <summary>
/// Hears every event of the class (<see cref="ClassEvents"/>) and keeps what concerns it: the status file's state, the
/// metrics, the log, <c>session.json</c>'s outages. <see cref="Hear"/> runs on the publisher's thread, synchronously, so it
/// must be quick, must not block and must not throw; it ignores the events it does not know (a <c>switch</c> with a
/// default that does nothing).
/// </summary>
public interface IClassEventSubscriber
{
    void Hear(ClassEvent happened);
}

/// <summary>
/// The one stream of the class's events. The place where a thing happens publishes it once (the recorder a run's
/// progress and failures, the router a failover, an egress its first frame, the playlist's reader what was recorded,
/// the uploader storage being away, the disk guard the disk's room); whoever keeps a figure or says a line subscribes:
/// <c>Status/EncoderStatus</c> (status.json), <c>Metrics/EncoderMetrics</c> (CloudWatch), each area's log class
/// (<c>Recorder/RecorderLog</c>, <c>Egress/IngestLog</c>, <c>Storage/StorageLog</c>, <c>Recording/DiskLog</c>: the
/// lines, with their event ids) and <c>Storage/SessionOutages</c> (the outages of <c>session.json</c>).
/// <para>
/// Fan-out is synchronous and in-process: <see cref="Publish"/> calls each subscriber in turn on the caller's thread,
/// with no queue and no allocation beyond the event record itself, so a once-a-second progress line costs one small
/// object and a few type tests. Subscribers are thread-safe (publishers run on their own threads).
/// </para>
/// <para>
/// A new watch plugs in without touching the others, as the content watch and the playback watch do: its events as
/// records with primitive fields in <c>Events/</c> (<c>ContentEvents</c>, <c>PlaybackEvents</c>; Events imports no other
/// folder), published once where the watch sees them (<c>Content/ContentWatch</c>, <c>Playback/PlaybackWatch</c>), its
/// lines in a log class of its own with an event-id range of its own (<c>Content/ContentLog</c> 500–509,
/// <c>Playback/PlaybackLog</c> 600–609), registered beside the feature; the status and the metrics take the new events
/// up by a <c>case</c> each in their <c>Hear</c>, and ignore them until they do.
/// </para>
/// </summary>
public sealed class ClassEvents
{
    private readonly Lazy<IClassEventSubscriber[]> _subscribers;

    /// <param name="subscribers">Every subscriber, in the order they hear each event.</param>
    public ClassEvents(IEnumerable<IClassEventSubscriber> subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        IClassEventSubscriber[] all = [.. subscribers];
        _subscribers = new Lazy<IClassEventSubscriber[]>(all);
    }

    /// <param name="subscribers">Gives every subscriber when the first event is published: a subscriber may depend on a publisher (the status reads the relay's counters).</param>
    public ClassEvents(Func<IEnumerable<IClassEventSubscriber>> subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _subscribers = new Lazy<IClassEventSubscriber[]>(() => [.. subscribers()], LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>No subscriber: what a test gives a publisher it does not listen to.</summary>
    public static ClassEvents None { get; } = new([]);

    /// <summary>Tells every subscriber, in turn, on this thread.</summary>
    public void Publish(ClassEvent happened)
    {
        foreach (var subscriber in _subscribers.Value)
            subscriber.Hear(happened);
    }
}
