using Encoder.Configuration;

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
/// is stalled, and so is a run given a first-media deadline (the recorder) that has printed no progress at all by then
/// (<see cref="Overdue"/>): a camera that answers RTSP and then sends nothing is caught from the first second. An
/// egress is never stalled while the recorder is down (<see cref="RecorderHealth"/>): it is waiting for the relay, not
/// failing. Nothing else decides either.
/// </summary>
public sealed class ProgressWatch(TimeProvider time, RecorderHealth recorder)
{
    /// <summary>
    /// How long a recorder run may go without any progress line from its start. FFmpeg bounds the connection and each
    /// RTSP reply by <c>Camera:TimeoutSeconds</c> itself, but a camera that completes the session and then sends
    /// no media (or only keep-alives) never trips that: once connected, the run gets <c>Ffmpeg:StallSeconds</c> for its
    /// first media, like any stall.
    /// </summary>
    public static TimeSpan RecorderFirstMediaTimeout(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeSpan.FromSeconds(options.Camera.TimeoutSeconds + options.Ffmpeg.StallSeconds);
    }

    public static bool Advanced(FfmpegProgress? last, FfmpegProgress next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return last is null || next.Frame > last.Frame || next.OutTime > last.OutTime;
    }

    /// <summary>
    /// True when a run is overdue: it advanced last at <paramref name="advancedAt"/> and not within
    /// <paramref name="stallTimeout"/> since; or it has not printed any progress yet and its
    /// <paramref name="firstMediaTimeout"/> (null: none, wait for the first line) has passed since it started.
    /// </summary>
    public static bool Overdue(DateTimeOffset startedAt, DateTimeOffset? advancedAt, DateTimeOffset now, TimeSpan stallTimeout, TimeSpan? firstMediaTimeout) =>
        advancedAt is { } at
            ? now - at >= stallTimeout
            : firstMediaTimeout is { } first && now - startedAt >= first;

    /// <summary>
    /// Watches one run from now: call <see cref="Run.Progress"/> per progress line; <paramref name="onStalled"/> runs
    /// when it stalls, with the timeout it overran. Without <paramref name="firstMediaTimeout"/> the clock starts at
    /// the first progress line.
    /// </summary>
    public Run Watch(FfmpegRole role, TimeSpan stallTimeout, Action onStalled) => Watch(role, stallTimeout, _ => onStalled(), null);

    /// <inheritdoc cref="Watch(FfmpegRole, TimeSpan, Action)"/>
    public Run Watch(FfmpegRole role, TimeSpan stallTimeout, Action<TimeSpan> onStalled, TimeSpan? firstMediaTimeout)
    {
        Run? run = null;
        var timer = time.CreateTimer(_ =>
        {
            if (run is { } r && Overdue(r.StartedAt, r.AdvancedAt, time.GetUtcNow(), stallTimeout, firstMediaTimeout) && IsStalled(role))
                onStalled(r.AdvancedAt is null ? firstMediaTimeout!.Value : stallTimeout);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        run = new Run(timer, time, stallTimeout);
        if (firstMediaTimeout is { } first)
            timer.Change(first, stallTimeout);
        return run;
    }

    /// <summary>True when a run that has not advanced for its stall timeout is at fault.</summary>
    public bool IsStalled(FfmpegRole role) => role == FfmpegRole.Recorder || recorder.IsUp;

    /// <summary>One run's stall timer: armed at the start when it has a first-media deadline, else by the first progress line; re-armed by each line that advanced.</summary>
    public sealed class Run(ITimer timer, TimeProvider time, TimeSpan stallTimeout) : IAsyncDisposable
    {
        private FfmpegProgress? _last;
        private long _advancedAt = long.MinValue;

        internal DateTimeOffset StartedAt { get; } = time.GetUtcNow();

        internal DateTimeOffset? AdvancedAt => Interlocked.Read(ref _advancedAt) is var at && at != long.MinValue ? new DateTimeOffset(at, TimeSpan.Zero) : null;

        public void Progress(FfmpegProgress progress)
        {
            if (!Advanced(_last, progress))
                return;
            _last = progress;
            Interlocked.Exchange(ref _advancedAt, time.GetUtcNow().UtcTicks);
            timer.Change(stallTimeout, stallTimeout);
        }

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
