using Encoder.Ffmpeg;
using Encoder.Resilience;

namespace Encoder.Recorder;

/// <summary>Where the recorder is.</summary>
public enum RecorderPhase
{
    /// <summary>Before the class begins.</summary>
    Idle,

    /// <summary>A run is on.</summary>
    Running,

    /// <summary>The run is being stopped, to start the next at once with the plan for what the camera sends.</summary>
    Replanning,

    /// <summary>Between a failed run and the next (<see cref="RestartWait"/>).</summary>
    Waiting,

    /// <summary>The daemon stops; the run finishes its last segment.</summary>
    Stopping,

    Stopped,
}

/// <summary>The recorder's whole state.</summary>
/// <param name="Run">The current (or last) run's number; 0 before the first.</param>
/// <param name="Replanned">The current run was started at once for the camera's streams: it is not restarted for them again, so a camera whose report flips between two plans keeps the second rather than restarting forever.</param>
/// <param name="Streamed">The current run has written its first frame.</param>
/// <param name="Restarts">The failures in a row and the outage they make.</param>
/// <param name="Wait">While <see cref="RecorderPhase.Waiting"/>: the wait.</param>
public sealed record RecorderState(
    RecorderPhase Phase,
    int Run,
    bool Replanned,
    bool Streamed,
    RestartSchedule Restarts,
    RestartWait? Wait = null);

/// <summary>Something that happened to the recorder's run, the camera probe, its timer or the daemon.</summary>
public abstract record RecorderEvent
{
    /// <summary>The class begins.</summary>
    public sealed record Begin : RecorderEvent;

    /// <summary>The current run wrote its first frame.</summary>
    public sealed record RunStreaming : RecorderEvent;

    /// <summary>The current run reported that the camera sends other streams than it was planned for (<c>Media/PlanCheck</c>).</summary>
    /// <param name="Changed">What changed ("video hevc → h264").</param>
    /// <param name="Plan">Why the plan for what it sends is what it is.</param>
    public sealed record StreamsChanged(string Changed, string Plan) : RecorderEvent;

    /// <summary>The current run ended.</summary>
    /// <param name="JitterUnit">Uniform in [0, 1), drawn by the driver for the next delay; 0.5 means no jitter.</param>
    public sealed record RunEnded(FfmpegExit Exit, double JitterUnit = 0.5) : RecorderEvent;

    /// <summary>The run was never started: the daemon stopped while it was being planned.</summary>
    public sealed record RunAbandoned : RecorderEvent;

    /// <summary>A camera probe that started at <paramref name="StartedAt"/> got an answer or not.</summary>
    public sealed record CameraProbed(bool Answered, DateTimeOffset StartedAt) : RecorderEvent;

    /// <summary>The pause asked for by <see cref="RecorderAction.WaitFor"/> is over.</summary>
    public sealed record WaitOver : RecorderEvent;

    /// <summary>The daemon stops. The running FFmpeg was asked to finish by the stop itself (its token is the daemon's).</summary>
    public sealed record DaemonStops : RecorderEvent;
}

/// <summary>What the driver does in answer to an event.</summary>
public abstract record RecorderAction
{
    /// <summary>Start run <paramref name="Run"/>; <paramref name="Announce"/> is false during an outage (its retries are not logged one by one).</summary>
    public sealed record StartRun(int Run, bool Announce) : RecorderAction;

    /// <summary>Ask the current run to finish now.</summary>
    public sealed record StopRun : RecorderAction;

    /// <summary>Probe the camera (<see cref="ICameraReachability"/>) and tell <see cref="RecorderEvent.CameraProbed"/>.</summary>
    public sealed record ProbeCamera : RecorderAction;

    /// <summary>Tell <see cref="RecorderEvent.WaitOver"/> after <paramref name="Delay"/>.</summary>
    public sealed record WaitFor(TimeSpan Delay) : RecorderAction;

    /// <summary>The run streams, and no outage was going on.</summary>
    public sealed record Streaming(int Run) : RecorderAction;

    /// <summary>The run streams after an outage of <paramref name="Outage"/>: report it.</summary>
    public sealed record CameraBack(TimeSpan Outage) : RecorderAction;

    /// <summary>The run is stopped to restart at once with the plan for what the camera sends.</summary>
    public sealed record Replanning(string Changed, string Plan) : RecorderAction;

    /// <summary>The camera's streams changed again right after a replan: the run goes on with its plan.</summary>
    public sealed record KeepsPlan(int Run, string Changed) : RecorderAction;

    /// <summary>The run failed for <paramref name="Reason"/>; the next starts after <paramref name="Restart"/>'s delay.</summary>
    /// <param name="OutageStartedAt">When the outage this failure belongs to started.</param>
    public sealed record RunFailed(FfmpegExit Exit, string Reason, RestartDecision Restart, DateTimeOffset OutageStartedAt) : RecorderAction;

    /// <summary>The camera was seen coming back: the next run starts <paramref name="Early"/> before its backoff ends.</summary>
    public sealed record RestartEarly(TimeSpan Early) : RecorderAction;

    /// <summary>The recorder stopped: its last run ended with <paramref name="Exit"/>, or none was running (null).</summary>
    public sealed record Stopped(FfmpegExit? Exit) : RecorderAction;
}
