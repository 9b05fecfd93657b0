using Encoder.Resilience;

namespace Encoder.Recorder;

/// <summary>What the recorder does next while it waits to restart.</summary>
public enum RestartWaitAction
{
    /// <summary>Start the recorder now: the backoff is over, or the camera was seen coming back.</summary>
    Start,

    /// <summary>Probe the camera now.</summary>
    Probe,

    /// <summary>Sleep for <see cref="RestartWaitStep.Sleep"/>, then ask again.</summary>
    Sleep,
}

/// <summary>One step of a wait: what to do, and for a sleep, how long.</summary>
public readonly record struct RestartWaitStep(RestartWaitAction Action, TimeSpan Sleep = default);

/// <summary>
/// The recorder's wait between a failed run and the next, as a small state machine (a part of
/// <see cref="RecorderPolicy"/>'s state): it waits out <see cref="RestartSchedule"/>'s delay, probing the camera at
/// most every <see cref="ProbeInterval"/> meanwhile, and
/// starts at once when the camera is <b>seen coming back</b>: a probe that got no answer, then one that did. A camera
/// that answers all along (it accepts connections but FFmpeg keeps failing on it: a wrong path, a bad password, an
/// RTSP server not ready, a frozen process whose kernel still accepts) never starts a run early, so it is retried on
/// the normal backoff and never hammered; a camera that went away is back on air one probe after it returns. If that
/// early run fails too, the camera answers from then on, so the next waits are plain backoff again, counted from the
/// first delay (<see cref="RestartSchedule.CameraBack"/>): a camera still starting up is retried within a second,
/// one that is broken in a new way backs off as any failure does.
/// </summary>
/// <param name="Due">When the backoff ends.</param>
/// <param name="NextProbeAt">When the next probe may start (the rate cap).</param>
/// <param name="SeenDown">A probe in this wait got no answer.</param>
/// <param name="CameraBack">A probe answered after one that did not.</param>
public sealed record RestartWait(DateTimeOffset Due, DateTimeOffset NextProbeAt, bool SeenDown, bool CameraBack)
{
    /// <summary>The rate cap: one probe (a TCP connect) per quarter second at most.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A wait of <paramref name="delay"/> from <paramref name="now"/>; the first probe is due at once.</summary>
    public static RestartWait Begin(DateTimeOffset now, TimeSpan delay) => new(now + delay, now, SeenDown: false, CameraBack: false);

    /// <summary>What to do at <paramref name="now"/>.</summary>
    public RestartWaitStep Next(DateTimeOffset now)
    {
        if (CameraBack || now >= Due)
            return new RestartWaitStep(RestartWaitAction.Start);
        if (now >= NextProbeAt)
            return new RestartWaitStep(RestartWaitAction.Probe);
        return new RestartWaitStep(RestartWaitAction.Sleep, (NextProbeAt < Due ? NextProbeAt : Due) - now);
    }

    /// <summary>A probe started at <paramref name="startedAt"/> got an answer or not.</summary>
    public RestartWait Probed(DateTimeOffset startedAt, bool answered) => this with
    {
        NextProbeAt = startedAt + ProbeInterval,
        SeenDown = SeenDown || !answered,
        CameraBack = CameraBack || (SeenDown && answered),
    };
}
