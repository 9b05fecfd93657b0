namespace Encoder.Events;

// The recorder's events: published by Recorder/RecorderRuns (a run's start, progress, end) and Recorder/RecorderReports
// (what the recorder's policy decided). A run is numbered from 1 for the daemon's life.

/// <summary>A recorder run starts: the class has begun.</summary>
public sealed record RecorderRunStarting(DateTimeOffset At, int Run) : ClassEvent(At);

/// <summary>
/// One progress report of the recorder's FFmpeg, with the run's rates (<see cref="StreamRates"/>, the one definition of
/// frames per second and bitrate): null until a run has measured a second. <paramref name="Bytes"/> is FFmpeg's own
/// <c>total_size</c>, which it does not report for the recorder's tee output (null then).
/// </summary>
public sealed record RecorderProgressed(DateTimeOffset At, long Frames, long? Bytes, TimeSpan OutTime, double? Speed, double? FramesPerSecond, double? BitrateKbps)
    : ClassEvent(At);

/// <summary>A recorder run sent its first frame.</summary>
public sealed record RecorderStreaming(DateTimeOffset At, int Run) : ClassEvent(At);

/// <summary>A recorder run ended (whatever follows), having recorded <paramref name="Recorded"/> of media.</summary>
public sealed record RecorderRunEnded(DateTimeOffset At, int Run, TimeSpan Recorded, bool Failed) : ClassEvent(At);

/// <summary>
/// The recorder failed and restarts after <paramref name="NextTry"/>; <paramref name="Report"/> says whether this
/// begins the camera's outage, is its reminder, or is one more attempt in it.
/// </summary>
/// <param name="RanFor">How long the run that failed ran.</param>
/// <param name="Attempts">Failures in a row, this one included.</param>
/// <param name="OutageSince">When the outage began.</param>
public sealed record RecorderFailed(
    DateTimeOffset At, string Reason, TimeSpan RanFor, FailureReport Report, int Attempts, DateTimeOffset OutageSince, TimeSpan NextTry) : ClassEvent(At);

/// <summary>The camera's outage ended: a run streams again.</summary>
public sealed record CameraBack(DateTimeOffset At, DateTimeOffset OutageSince) : ClassEvent(At)
{
    public TimeSpan Outage => At - OutageSince;
}

/// <summary>The camera sends other streams than the run was planned for: the recorder restarts at once with a new plan.</summary>
public sealed record RecorderReplanning(DateTimeOffset At, string Changed, string Plan) : ClassEvent(At);

/// <summary>The camera's streams changed, but the run before was just restarted for that: this run keeps its plan.</summary>
public sealed record RecorderKeepsPlan(DateTimeOffset At, int Run, string Changed) : ClassEvent(At);

/// <summary>The camera answers again while the recorder waits: it restarts <paramref name="Early"/> before its backoff ends.</summary>
public sealed record RecorderRestartsEarly(DateTimeOffset At, TimeSpan Early) : ClassEvent(At);

/// <summary>The recorder stopped for good (the daemon stops): between runs, or its last run exited with <paramref name="ExitCode"/>; <paramref name="Recorded"/> in all runs.</summary>
public sealed record RecorderStopped(DateTimeOffset At, bool BetweenRuns, int? ExitCode, TimeSpan Recorded) : ClassEvent(At);

/// <summary>What the recorder plans for its next run, from what the camera sent when last probed (status.json's <c>camera</c>).</summary>
public sealed record CameraPlanned(
    DateTimeOffset At, string? VideoCodec, int? Width, int? Height, string? AudioCodec, string? ProbeError, string Video, string Audio, string Reason)
    : ClassEvent(At);
