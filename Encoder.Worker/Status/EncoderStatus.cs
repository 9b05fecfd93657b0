using Encoder.Storage;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;

namespace Encoder.Status;

/// <summary>
/// The live state of the class, kept from the class's events (<see cref="ClassEvents"/>: the recorder's, the egresses'
/// and the router's) and read by the status writer; the segments' figures are read from the <see cref="SegmentLedger"/>.
/// It records; it decides nothing (advanced and stalled are <see cref="ProgressWatch"/>'s, the recorder's state is
/// <see cref="RecorderHealth"/>'s, the rates <see cref="StreamRates"/>').
/// </summary>
public sealed class EncoderStatus : IClassEventSubscriber, IFailoverFigures
{
    private readonly TimeProvider _time;
    private readonly RelayCounters? _relay;
    private readonly SegmentLedger? _segments;
    private readonly RecorderHealth _recorderHealth;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OutputStatus> _slots = new(StringComparer.Ordinal);
    private OutputStatus _recorder = new();
    private LiveRates _rates = LiveRates.Unknown;
    private CameraSnapshot? _camera;
    private readonly PlaybackStatus _playback = new();
    private PreflightSnapshot? _preflight;
    private readonly ContentStatus _content = new();
    private ReplaySnapshot? _replay;
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

    /// <summary>The active slot's name; null before the router chose one.</summary>
    public string? ActiveSlot { get; private set; }

    /// <summary>The recorder's frames per second and bitrate, as its last progress measured them (<see cref="StreamRates"/>); unknown between runs.</summary>
    public LiveRates Rates
    {
        get
        {
            lock (_lock)
                return _rates;
        }
    }

    public int Failovers { get; private set; }

    public int Returns { get; private set; }

    /// <summary>Segments the playlist names (<see cref="SegmentLedger.RecordedCount"/>).</summary>
    public int SegmentsRecorded => _segments?.RecordedCount ?? 0;

    /// <summary>From the primary's failure to the secondary's first frame, for the last failover.</summary>
    public TimeSpan? LastFailoverTook { get; private set; }

    /// <summary>Segments storage holds, per the upload journal (<see cref="SegmentLedger.StoredCount"/>).</summary>
    public int SegmentsStored => _segments?.StoredCount ?? 0;

    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case RecorderProgressed progress:
                Progress(null, progress.At, progress.Frames, progress.Bytes, progress.Speed, progress.OutTime);
                lock (_lock)
                    _rates = new LiveRates(progress.FramesPerSecond, progress.BitrateKbps);
                return;
            case RecorderRunEnded:
                lock (_lock)
                    _rates = LiveRates.Unknown;
                return;
            case RecorderFailed failed:
                Update(null, s => s with { LastError = failed.Reason, Restarts = s.Restarts + 1 });
                return;
            case CameraPlanned planned:
                lock (_lock)
                    _camera = new CameraSnapshot(planned.VideoCodec, planned.Width, planned.Height, planned.AudioCodec, planned.At, planned.ProbeError,
                        planned.Video, planned.Audio, planned.Reason);
                return;
            case IngestConnecting connecting:
                Update(connecting.Slot, s => s with { State = OutputState.Connecting });
                return;
            case IngestProgressed progress:
                Progress(progress.Slot, progress.At, progress.Frames, progress.Bytes, progress.Speed, progress.OutTime);
                return;
            case IngestEnded ended:
                Update(ended.Slot, s => s with
                {
                    State = ended.Failed ? OutputState.Down : OutputState.Idle,
                    LastError = ended.Reason,
                    Failures = s.Failures + (ended.Failed ? 1 : 0),
                });
                return;
            case IngestActivated activated:
                Activated(activated);
                return;
            case PreflightCompleted preflight:
                lock (_lock)
                {
                    _preflight = new PreflightSnapshot(preflight.At, preflight.Verdict, preflight.Seconds, preflight.Summary, preflight.Checks);
                    Changed();
                }

                return;
            case FailedOver failedOver:
                lock (_lock)
                    LastFailoverTook = failedOver.Took;
                return;
            case PlaybackWatchBegan or PlaybackChecked or PlaybackLive or PlaybackStale or PlaybackRecovered or PlaybackWatchEnded:
                lock (_lock)
                {
                    if (_playback.Hear(happened))
                        Changed();
                }

                return;
            case ContentMeasured or ContentConditionStarted or ContentConditionEnded:
                lock (_lock)
                {
                    if (_content.Hear(happened))
                        Changed();
                }

                return;
            case ReplayPosterStored poster:
                lock (_lock)
                {
                    _replay = new ReplaySnapshot(new ReplayPosterSnapshot(poster.Key, poster.Width, poster.Height, poster.At));
                    Changed();
                }

                return;
            default:
                return;
        }
    }

    private void Activated(IngestActivated activated)
    {
        lock (_lock)
        {
            if (ActiveSlot != activated.Slot)
                Changed();
            ActiveSlot = activated.Slot;
            Failovers += activated.Failover ? 1 : 0;
            Returns += activated.Return ? 1 : 0;
        }
    }

    /// <summary>The slots that have streamed at least one frame this session, primary first.</summary>
    public List<string> SlotsThatStreamed()
    {
        lock (_lock)
            return _slots.Where(kv => kv.Value.EverStreamed).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
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
                ActiveSlot,
                Failovers,
                LastFailoverTook is { } took ? Math.Round(took.TotalSeconds, 2) : null,
                Returns,
                SegmentsRecorded,
                SegmentsStored,
                (_recorder with { State = (OutputState)_recorderHealth.State }).ToSnapshot(now),
                _slots.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value.ToSnapshot(now)),
                _relay?.ToSnapshot(),
                _camera,
                _segments?.Pending,
                _segments?.Lag is { } lag ? Math.Round(lag.TotalSeconds, 1) : null,
                _playback.ToSnapshot(now),
                _preflight,
                _content.ToSnapshot(now),
                _replay);
        }
    }

    /// <summary>The progress of the recorder (slot null) or a slot; a slot's state is kept here, the recorder's is its health's.</summary>
    private void Progress(string? slot, DateTimeOffset at, long frames, long? bytes, double? speed, TimeSpan outTime) =>
        Update(slot, s =>
            s with
            {
                State = frames > 0 && slot is not null ? OutputState.Streaming : s.State,
                EverStreamed = s.EverStreamed || frames > 0,
                Frames = frames,
                Bytes = bytes ?? s.Bytes,
                Speed = speed,
                OutTimeSeconds = outTime.TotalSeconds,
                LastProgressAt = at,
            });

    private void Update(string? slot, Func<OutputStatus, OutputStatus> change)
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
}
