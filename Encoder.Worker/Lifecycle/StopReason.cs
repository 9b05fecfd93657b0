namespace Encoder.Lifecycle;

/// <summary>Why the daemon is stopping, recorded once, at the moment the stop begins (<see cref="StopCause"/>).</summary>
public enum StopReason
{
    /// <summary>A SIGTERM or Ctrl+C nobody explained: an operator's <c>systemctl stop</c> or <c>restart</c>, a reboot. The class is not over.</summary>
    OperatorStop,

    /// <summary>The session's end (<c>Session:EndsAt</c> or <c>Session:MaxDuration</c>) was reached, or had passed when the daemon started.</summary>
    SessionEnded,

    /// <summary>An operator ended the class on purpose (<c>encoder end-class</c>): the class is over.</summary>
    ClassEndedByOperator,

    /// <summary>The hard-stop timer fired (<c>encoder-hard-stop.service</c>): the instance is powering off.</summary>
    HardStop,

    /// <summary>A hosted service failed: the daemon exits non-zero so systemd restarts it. The class is not over.</summary>
    Failure,
}

public static class StopReasons
{
    /// <summary>True when the stop ends the class, so the instance may go; false when the class resumes at the next start.</summary>
    public static bool EndsTheClass(this StopReason reason) => reason is StopReason.SessionEnded or StopReason.ClassEndedByOperator or StopReason.HardStop;

    /// <summary>For log lines: why the host is stopping, as an operator reads it.</summary>
    public static string Describe(this StopReason reason) => reason switch
    {
        StopReason.OperatorStop => "stopped by the operator or the system (SIGTERM: systemctl stop or restart, a reboot); the class is not over",
        StopReason.SessionEnded => "the session ended",
        StopReason.ClassEndedByOperator => "an operator ended the class (encoder end-class)",
        StopReason.HardStop => "the hard stop fired (encoder-hard-stop.timer)",
        StopReason.Failure => "a service failed; the class is not over",
        _ => reason.ToString(),
    };
}
