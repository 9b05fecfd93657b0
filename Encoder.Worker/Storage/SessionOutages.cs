using Encoder.Events;

namespace Encoder.Storage;

/// <summary>One interruption of the class: the camera/FFmpeg, storage, or the daemon itself (a crash and restart).</summary>
public sealed record Outage(string Kind, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Reason)
{
    public const string Camera = "camera";
    public const string Storage = "storage";
    public const string Daemon = "daemon";

    public double Seconds => Math.Round((EndedAt - StartedAt).TotalSeconds, 1);
}

/// <summary>
/// The outages of this daemon's run, for <c>session.json</c>: the one outage reporter. It hears each outage's end from
/// the class's events (<see cref="CameraBack"/>, <see cref="StorageBack"/>); a daemon's own outages (a crash and
/// restart) come from the upload journal.
/// </summary>
public sealed class SessionOutages : IClassEventSubscriber
{
    private readonly Lock _lock = new();
    private readonly List<Outage> _outages = [];

    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case CameraBack back:
                Add(new Outage(Outage.Camera, back.OutageSince, back.At, "the camera or the recorder failed; restarted"));
                return;
            case StorageBack back:
                Add(new Outage(Outage.Storage, back.OutageSince, back.At, "storage unavailable"));
                return;
            default:
                return;
        }
    }

    public IReadOnlyList<Outage> All
    {
        get
        {
            lock (_lock)
                return _outages.ToList();
        }
    }

    private void Add(Outage outage)
    {
        lock (_lock)
            _outages.Add(outage);
    }
}
