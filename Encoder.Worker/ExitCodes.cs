namespace Encoder;

/// <summary>
/// The daemon's exit codes (docs/operations.md lists them; systemd and operators act on them). A daemon that ran decides its code
/// once, in <c>Lifecycle/ClassEnd</c>.
/// </summary>
public static class ExitCodes
{
    /// <summary>Clean stop: the class ended with everything stored (and the instance terminated, if enabled), or a stop that does not end the class.</summary>
    public const int Clean = 0;

    /// <summary>An unexpected failure, logged as fatal, or a service that failed (even with uploads pending): systemd restarts the daemon.</summary>
    public const int Failure = 1;

    /// <summary>Bad configuration; nothing was started.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The class is over and the drain could not store everything (e.g. S3 down); the local copy is the only one.</summary>
    public const int UploadsPending = 3;

    /// <summary>Self-termination was due but failed.</summary>
    public const int TerminationFailed = 4;

    /// <summary>
    /// Self-termination failed on a machine known to be EC2 (IMDSv2 named it, or it stayed silent on a machine whose
    /// firmware says EC2) and <c>SelfTerminate:ShutdownFallback</c> is on: encoder.service powers the instance off (as
    /// root, after the daemon exited), and EC2 terminates it. Never with uploads pending, unless
    /// <c>SelfTerminate:WithPendingUploads</c>; it wins over every other code.
    /// </summary>
    public const int PowerOffRequested = 5;

    /// <summary>
    /// Another daemon already records this session (it holds the session's lock, <c>Lifecycle/SessionLock</c>): this start
    /// named its PID and stopped within a second, having started nothing and written nothing. encoder.service restarts
    /// on it (it is not in <c>RestartPreventExitStatus</c>): a unit's daemon refused by one started by hand takes the
    /// class over once that one stops.
    /// </summary>
    public const int AlreadyRunning = 6;

    /// <summary>For the daemon's last log line: what the code tells an operator.</summary>
    public static string Meaning(int exitCode) => exitCode switch
    {
        Clean => "clean stop",
        Failure => "a failure; systemd restarts the daemon",
        ConfigurationError => "configuration error; nothing was started",
        UploadsPending => "the class is over and uploads are pending; the local copy is the only one",
        TerminationFailed => "self-termination was due but failed; the instance keeps running",
        PowerOffRequested => "self-termination failed; encoder.service powers the instance off",
        AlreadyRunning => "another daemon already records this session; nothing was touched",
        _ => "unknown",
    };
}
