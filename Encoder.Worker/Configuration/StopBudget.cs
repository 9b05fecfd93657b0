namespace Encoder.Configuration;

/// <summary>
/// How the host's stop (<c>Encoder:ShutdownTimeout</c>, counted from the moment the stop was requested) is shared, so
/// the steps cannot disagree: FFmpeg's flush and its escalation first, then the upload drain, which gets the rest,
/// then, when enabled, the termination step, and a last moment for the host to log and exit. Derived from the options
/// alone, it sits beside them: their validation, the recorder, the uploader and the class's end all read it here.
/// <code>
/// 0 ── q ── grace: SIGINT ── +1 s: SIGINT ── +3 s: SIGKILL ── +2 s: FFmpeg gone ── drain … ── termination ── exit reserve ── ShutdownTimeout
/// </code>
/// Every instant here is an offset from the stop request. The drain starts as soon as FFmpeg is gone, which is
/// usually long before <see cref="FfmpegStoppedBy"/>; it must end by <see cref="DrainDeadline"/>.
/// </summary>
/// <param name="Total">The whole stop: <c>Encoder:ShutdownTimeout</c>.</param>
/// <param name="FfmpegGrace">How long FFmpeg may take to finish its segment after <c>q</c>: <c>Encoder:Ffmpeg:StopTimeoutSeconds</c>.</param>
/// <param name="Termination">The termination step's slice: <c>Encoder:SelfTerminate:TimeoutSeconds</c> when enabled, else zero.</param>
public sealed record StopBudget(TimeSpan Total, TimeSpan FfmpegGrace, TimeSpan Termination)
{
    /// <summary>After the grace, a second SIGINT this much later: a blocked FFmpeg ignores the first.</summary>
    public static readonly TimeSpan SecondInterruptAfterGrace = TimeSpan.FromSeconds(1);

    /// <summary>After the grace, SIGKILL this much later.</summary>
    public static readonly TimeSpan KillAfterGrace = TimeSpan.FromSeconds(3);

    /// <summary>From SIGKILL until the process is reaped and its supervisor has returned.</summary>
    public static readonly TimeSpan KillToExit = TimeSpan.FromSeconds(2);

    /// <summary>The least drain worth having: the final playlist and the session manifest on a healthy store.</summary>
    public static readonly TimeSpan MinimumDrain = TimeSpan.FromSeconds(2);

    /// <summary>Kept after everything else for the host's last log lines and exit.</summary>
    public static readonly TimeSpan ExitReserve = TimeSpan.FromSeconds(3);

    public static StopBudget From(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StopBudget(
            options.ShutdownTimeout,
            TimeSpan.FromSeconds(options.Ffmpeg.StopTimeoutSeconds),
            options.SelfTerminate.Enabled ? TimeSpan.FromSeconds(options.SelfTerminate.TimeoutSeconds) : TimeSpan.Zero);
    }

    /// <summary>FFmpeg's escalation after a grace (the recorder's, or an egress's shorter one), as offsets from the stop request.</summary>
    public static FfmpegEscalation EscalationAfter(TimeSpan grace) =>
        new(grace, grace + SecondInterruptAfterGrace, grace + KillAfterGrace, grace + KillAfterGrace + KillToExit);

    /// <summary>The recorder's escalation: SIGINT, second SIGINT, SIGKILL, gone.</summary>
    public FfmpegEscalation Ffmpeg => EscalationAfter(FfmpegGrace);

    /// <summary>By then FFmpeg is gone, however it had to be stopped.</summary>
    public TimeSpan FfmpegStoppedBy => Ffmpeg.GoneBy;

    /// <summary>The drain must end by then, leaving the termination step and the exit reserve.</summary>
    public TimeSpan DrainDeadline => Total - Termination - ExitReserve;

    /// <summary>The termination step must end by then.</summary>
    public TimeSpan TerminationDeadline => Total - ExitReserve;

    /// <summary>The drain's slice when FFmpeg takes all of its own: the rest.</summary>
    public TimeSpan Drain => DrainDeadline - FfmpegStoppedBy;

    /// <summary>The shortest <see cref="Total"/> that leaves every slice its due and the drain <see cref="MinimumDrain"/>.</summary>
    public TimeSpan MinimumTotal => FfmpegStoppedBy + MinimumDrain + Termination + ExitReserve;

    /// <summary>What <see cref="MinimumTotal"/> adds to the grace and the termination slice.</summary>
    public static TimeSpan Overhead => KillAfterGrace + KillToExit + MinimumDrain + ExitReserve;

    public bool Fits => Total >= MinimumTotal;
}

/// <summary>FFmpeg's stop escalation, as offsets from the stop request (<c>q</c> is sent at once).</summary>
public sealed record FfmpegEscalation(TimeSpan Interrupt, TimeSpan SecondInterrupt, TimeSpan Kill, TimeSpan GoneBy);
