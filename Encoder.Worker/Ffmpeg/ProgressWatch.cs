namespace Encoder.Ffmpeg;

/// <summary>What an FFmpeg run is for: it decides whose fault its silence is.</summary>
public enum FfmpegRole
{
    /// <summary>Pulls the camera: silence is the camera's or its own fault.</summary>
    Recorder,

    /// <summary>Pushes the relay to an ingest: silence while the recorder is down is not its fault.</summary>
    Egress,
}

/// <summary>
/// Owns "advanced" and "stalled" for every FFmpeg. A run advanced when a progress line shows more frames or more
/// media time than the last one (the first line starts the clock). A run that has not advanced for its stall timeout
/// is stalled, except an egress while the recorder is down (the recorder has not advanced within
/// <see cref="RecorderHealthWindow"/>): it is waiting for the relay, not failing. The status file and the router read
/// <see cref="RecorderIsUp"/>; nothing else decides either.
/// </summary>
public sealed class ProgressWatch(TimeProvider time)
{
    /// <summary>A recorder reports progress every 0.5 s: one that has not advanced for this long is down, not slow.</summary>
    public static readonly TimeSpan RecorderHealthWindow = TimeSpan.FromSeconds(1.5);

    private long _recorderAdvancedAt = long.MinValue;

    /// <summary>True when the recorder's output advanced within <see cref="RecorderHealthWindow"/>.</summary>
    public bool RecorderIsUp
    {
        get
        {
            var at = Interlocked.Read(ref _recorderAdvancedAt);
            return at != long.MinValue && time.GetUtcNow().UtcTicks - at < RecorderHealthWindow.Ticks;
        }
    }

    public static bool Advanced(FfmpegProgress? last, FfmpegProgress next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return last is null || next.Frame > last.Frame || next.OutTime > last.OutTime;
    }

    /// <summary>Watches one run: call <see cref="Run.Progress"/> per progress line; <paramref name="onStalled"/> runs when it stalls.</summary>
    public Run Watch(FfmpegRole role, TimeSpan stallTimeout, Action onStalled)
    {
        var timer = time.CreateTimer(_ =>
        {
            if (IsStalled(role))
                onStalled();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return new Run(timer, stallTimeout, role == FfmpegRole.Recorder ? RecorderAdvanced : null);
    }

    /// <summary>True when a run that has not advanced for its stall timeout is at fault.</summary>
    public bool IsStalled(FfmpegRole role) => role == FfmpegRole.Recorder || RecorderIsUp;

    private void RecorderAdvanced(FfmpegProgress progress)
    {
        if (progress.Frame > 0)
            Interlocked.Exchange(ref _recorderAdvancedAt, time.GetUtcNow().UtcTicks);
    }

    /// <summary>One run's stall timer: armed by the first progress line, re-armed by each that advanced.</summary>
    public sealed class Run(ITimer timer, TimeSpan stallTimeout, Action<FfmpegProgress>? onAdvanced) : IAsyncDisposable
    {
        private FfmpegProgress? _last;

        public void Progress(FfmpegProgress progress)
        {
            if (!Advanced(_last, progress))
                return;
            _last = progress;
            timer.Change(stallTimeout, stallTimeout);
            onAdvanced?.Invoke(progress);
        }

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
