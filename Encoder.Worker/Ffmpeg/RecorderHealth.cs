namespace Encoder.Ffmpeg;

/// <summary>The recorder as the status file names it.</summary>
public enum RecorderHealthState
{
    /// <summary>No run yet, or the last one ended on request (a stop, or a restart for the camera's streams).</summary>
    Idle,

    /// <summary>A run started and has written no frame yet.</summary>
    Connecting,

    /// <summary>Up: see <see cref="RecorderHealth"/>.</summary>
    Streaming,

    /// <summary>The last run failed, or the running one has stopped advancing.</summary>
    Down,
}

/// <summary>
/// The one definition of "the recorder is up": its current run has written frames and its output advanced (more
/// frames or more media time, <see cref="ProgressWatch.Advanced"/>) within <see cref="Window"/>. The router reads it
/// (an egress failing while the recorder is down is not the ingest's fault), so does <see cref="ProgressWatch"/> (nor
/// is its silence), the status file (<c>recorder.state</c>) and the metrics (<c>RecorderUp</c>,
/// <c>RecorderDownSeconds</c>). The recorder tells it when a run starts, each progress, and when the run ends.
/// It lives here, below the folders that read it, because it is a rule about FFmpeg's progress.
/// </summary>
public sealed class RecorderHealth(TimeProvider time)
{
    /// <summary>A recorder reports progress every 0.25 s: one that has not advanced for this long is down, not slow.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1.5);

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _begun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RecorderHealthState _phase = RecorderHealthState.Idle;
    private FfmpegProgress? _last;
    private DateTimeOffset? _advancedAt;
    private DateTimeOffset? _downSince;
    private bool _started;

    /// <summary>A change of <see cref="State"/> told by the recorder (not the one time alone brings: an advance overdue).</summary>
    public event Action? Changed;

    /// <summary>Completes when the class begins (the recorder passed the start gate): what the ingests wait for.</summary>
    public Task Begun => _begun.Task;

    /// <summary>True once a recorder run has started: from then on the recorder is reported up or down.</summary>
    public bool Started
    {
        get
        {
            lock (_lock)
                return _started;
        }
    }

    public bool IsUp => State == RecorderHealthState.Streaming;

    public RecorderHealthState State
    {
        get
        {
            lock (_lock)
                return StateAt(time.GetUtcNow());
        }
    }

    /// <summary>Since when the recorder has not been up; null while it is, or before its first run.</summary>
    public DateTimeOffset? DownSince
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (!_started || StateAt(now) == RecorderHealthState.Streaming)
                    return null;
                return _downSince ?? _advancedAt + Window;
            }
        }
    }

    /// <summary>The class began: the recorder plans its first run.</summary>
    public void Begin() => _begun.TrySetResult();

    public void RunStarting() => Tell(now =>
    {
        _started = true;
        _phase = RecorderHealthState.Connecting;
        _last = null;
        _downSince ??= now;
    });

    /// <summary>One progress report of the current run.</summary>
    public void Progress(FfmpegProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        Tell(now =>
        {
            if (!ProgressWatch.Advanced(_last, progress))
                return;
            _last = progress;
            if (progress.Frame <= 0)
                return;
            _phase = RecorderHealthState.Streaming;
            _advancedAt = now;
            _downSince = null;
        });
    }

    /// <param name="failed">False when it ended because it was asked to.</param>
    public void RunEnded(bool failed) => Tell(now =>
    {
        _downSince ??= StateAt(now) == RecorderHealthState.Streaming ? now : _advancedAt + Window ?? now;
        _phase = failed ? RecorderHealthState.Down : RecorderHealthState.Idle;
        _last = null;
    });

    private RecorderHealthState StateAt(DateTimeOffset now) =>
        _phase == RecorderHealthState.Streaming && now - _advancedAt >= Window ? RecorderHealthState.Down : _phase;

    private void Tell(Action<DateTimeOffset> change)
    {
        bool changed;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var before = StateAt(now);
            change(now);
            changed = StateAt(now) != before;
        }

        if (changed)
            Changed?.Invoke();
    }
}
