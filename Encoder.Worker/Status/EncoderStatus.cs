using Encoder.Egress;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;

namespace Encoder.Status;

/// <summary>An output's state; the recorder's is <see cref="RecorderHealthState"/>, value for value.</summary>
public enum OutputState
{
    Idle = RecorderHealthState.Idle,
    Connecting = RecorderHealthState.Connecting,
    Streaming = RecorderHealthState.Streaming,
    Down = RecorderHealthState.Down,
}

/// <summary>
/// The live state of the class, written by the recorder, the egresses and the router, and read by the status writer;
/// the segments' figures are read from the <see cref="SegmentLedger"/>. It records; it decides nothing (advanced and
/// stalled are <see cref="ProgressWatch"/>'s, the recorder's state is <see cref="RecorderHealth"/>'s).
/// </summary>
public sealed class EncoderStatus
{
    private readonly TimeProvider _time;
    private readonly RelayCounters? _relay;
    private readonly SegmentLedger? _segments;
    private readonly RecorderHealth _recorderHealth;
    private readonly Lock _lock = new();
    private readonly Dictionary<IngestSlot, OutputStatus> _slots = [];
    private OutputStatus _recorder = new();
    private CameraSnapshot? _camera;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next change of state: the recorder's or a slot's (connecting, streaming, down …) or the active
    /// slot. The status writer writes at once then, so a reader of the status file sees a camera back or a failover
    /// when it happens, not up to a second later.
    /// </summary>
    public Task NextChange
    {
        get
        {
            lock (_lock)
                return _changed.Task;
        }
    }

    /// <param name="recorder">The recorder's health; a status of its own when none is given (tests).</param>
    /// <param name="segments">Where the segments' figures are read; none when not given (tests).</param>
    public EncoderStatus(TimeProvider time, RelayCounters? relay = null, RecorderHealth? recorder = null, SegmentLedger? segments = null)
    {
        _time = time;
        _relay = relay;
        _segments = segments;
        StartedAt = time.GetUtcNow();
        _recorderHealth = recorder ?? new RecorderHealth(time);
        _recorderHealth.Changed += () =>
        {
            lock (_lock)
                Changed();
        };
    }

    public DateTimeOffset StartedAt { get; }

    public IngestSlot? ActiveSlot { get; private set; }

    public int Failovers { get; private set; }

    public int Returns { get; private set; }

    /// <summary>Segments the playlist names (<see cref="SegmentLedger.RecordedCount"/>).</summary>
    public int SegmentsRecorded => _segments?.RecordedCount ?? 0;

    /// <summary>From the primary's failure to the secondary's first frame, for the last failover.</summary>
    public TimeSpan? LastFailoverTook { get; private set; }

    public void FailoverTook(TimeSpan took)
    {
        lock (_lock)
            LastFailoverTook = took;
    }

    /// <summary>Segments storage holds, per the upload journal (<see cref="SegmentLedger.StoredCount"/>).</summary>
    public int SegmentsStored => _segments?.StoredCount ?? 0;

    /// <summary>The recorder's plan for its next run, from what the camera sent when last probed.</summary>
    public void MediaPlanned(CameraStreams? streams, string? probeError, DateTimeOffset at, MediaPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var snapshot = new CameraSnapshot(
            streams?.VideoCodec, streams?.Width, streams?.Height, streams?.AudioCodec, at, probeError,
            plan.Video == VideoPlan.Copy ? "copy" : "transcode",
            plan.Audio switch { AudioPlan.Encode => "encode", AudioPlan.Silent => "silent", AudioPlan.Copy => "copy", _ => "encode-if-present" },
            plan.Reason);
        lock (_lock)
            _camera = snapshot;
    }

    public void RecorderProgress(FfmpegProgress progress) => Progress(null, progress);

    public void RecorderEnded(string reason, bool restarting) =>
        Update(null, s => s with { LastError = reason, Restarts = s.Restarts + (restarting ? 1 : 0) });

    public void SlotStarting(IngestSlot slot) => Update(slot, s => s with { State = OutputState.Connecting });

    public void SlotProgress(IngestSlot slot, FfmpegProgress progress) => Progress(slot, progress);

    public void SlotEnded(IngestSlot slot, string? reason, bool failed) =>
        Update(slot, s => s with
        {
            State = failed ? OutputState.Down : OutputState.Idle,
            LastError = reason ?? s.LastError,
            Failures = s.Failures + (failed ? 1 : 0),
        });

    public void Activated(IngestSlot slot, bool isFailover, bool isReturn)
    {
        lock (_lock)
        {
            if (ActiveSlot != slot)
                Changed();
            ActiveSlot = slot;
            Failovers += isFailover ? 1 : 0;
            Returns += isReturn ? 1 : 0;
        }
    }

    /// <summary>The slots that have streamed at least one frame this session, primary first.</summary>
    public List<string> SlotsThatStreamed()
    {
        lock (_lock)
            return _slots.Where(kv => kv.Value.EverStreamed).Select(kv => kv.Key.Name).Order(StringComparer.Ordinal).ToList();
    }

    public StatusSnapshot Snapshot(string sessionId)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            return new StatusSnapshot(
                sessionId,
                now,
                Math.Round((now - StartedAt).TotalSeconds, 1),
                ActiveSlot?.Name,
                Failovers,
                LastFailoverTook is { } took ? Math.Round(took.TotalSeconds, 2) : null,
                Returns,
                SegmentsRecorded,
                SegmentsStored,
                (_recorder with { State = (OutputState)_recorderHealth.State }).ToSnapshot(now),
                _slots.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal).ToDictionary(kv => kv.Key.Name, kv => kv.Value.ToSnapshot(now)),
                _relay?.ToSnapshot(),
                _camera,
                _segments?.Pending,
                _segments?.Lag is { } lag ? Math.Round(lag.TotalSeconds, 1) : null);
        }
    }

    /// <summary>The progress of the recorder (slot null) or a slot; a slot's state is kept here, the recorder's is its health's.</summary>
    private void Progress(IngestSlot? slot, FfmpegProgress progress) =>
        Update(slot, s =>
            s with
            {
                State = progress.Frame > 0 && slot is not null ? OutputState.Streaming : s.State,
                EverStreamed = s.EverStreamed || progress.Frame > 0,
                Frames = progress.Frame,
                Bytes = progress.TotalSize ?? s.Bytes,
                Speed = progress.Speed,
                OutTimeSeconds = progress.OutTime.TotalSeconds,
                LastProgressAt = _time.GetUtcNow(),
            });

    private void Update(IngestSlot? slot, Func<OutputStatus, OutputStatus> change)
    {
        lock (_lock)
        {
            var before = slot is null ? _recorder : _slots.GetValueOrDefault(slot) ?? new OutputStatus();
            var after = change(before);
            if (slot is null)
                _recorder = after;
            else
                _slots[slot] = after;
            if (after.State != before.State)
                Changed();
        }
    }

    /// <summary>Under the lock: completes <see cref="NextChange"/> and sets up the next one.</summary>
    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private sealed record OutputStatus
    {
        public OutputState State { get; init; } = OutputState.Idle;
        public long Frames { get; init; }
        public long? Bytes { get; init; }
        public double? Speed { get; init; }
        public double OutTimeSeconds { get; init; }
        public DateTimeOffset? LastProgressAt { get; init; }
        public string? LastError { get; init; }
        public int Failures { get; init; }
        public int Restarts { get; init; }
        public bool EverStreamed { get; init; }

        public OutputSnapshot ToSnapshot(DateTimeOffset now) => new(
            State.ToString().ToLowerInvariant(), Frames, Bytes, Speed, Math.Round(OutTimeSeconds, 2), LastProgressAt,
            LastProgressAt is { } at ? Math.Round((now - at).TotalSeconds, 1) : null, LastError, Failures, Restarts);
    }
}
