namespace Encoder.Lifecycle;

/// <summary>One interruption of the class: the camera/FFmpeg, storage, or the daemon itself (a crash and restart).</summary>
public sealed record Outage(string Kind, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Reason)
{
    public const string Camera = "camera";
    public const string Storage = "storage";
    public const string Daemon = "daemon";

    public double Seconds => Math.Round((EndedAt - StartedAt).TotalSeconds, 1);
}

/// <summary>The outages of this daemon's run, for <c>session.json</c>. Services report each one once it ends.</summary>
public sealed class SessionOutages
{
    private readonly Lock _lock = new();
    private readonly List<Outage> _outages = [];

    public void Report(Outage outage)
    {
        lock (_lock)
            _outages.Add(outage);
    }

    public IReadOnlyList<Outage> All
    {
        get
        {
            lock (_lock)
                return _outages.ToList();
        }
    }
}
