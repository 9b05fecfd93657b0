namespace Encoder;

/// <summary>The daemon's exit codes (README lists them; systemd and operators act on them).</summary>
public static class ExitCodes
{
    /// <summary>Clean stop: SIGTERM, Ctrl+C or the session's end, with everything stored.</summary>
    public const int Clean = 0;

    /// <summary>An unexpected failure, logged as fatal.</summary>
    public const int Failure = 1;

    /// <summary>Bad configuration; nothing was started.</summary>
    public const int ConfigurationError = 2;

    /// <summary>The drain could not store everything (e.g. S3 down); the local copy is the only one.</summary>
    public const int UploadsPending = 3;

    /// <summary>Self-termination was due but failed.</summary>
    public const int TerminationFailed = 4;

    /// <summary>
    /// Self-termination failed on a confirmed EC2 instance and <c>SelfTerminate:ShutdownFallback</c> is on: encoder.service
    /// powers the instance off (as root, after the daemon exited), and EC2 terminates it. Never for pending uploads.
    /// </summary>
    public const int PowerOffRequested = 5;

    /// <summary>
    /// Another daemon already records this session (it holds the session's lock, <c>Lifecycle/SessionLock</c>): this start
    /// named its PID and stopped within a second, having started nothing and written nothing. encoder.service restarts
    /// on it (it is not in <c>RestartPreventExitStatus</c>): a unit's daemon refused by one started by hand takes the
    /// class over once that one stops.
    /// </summary>
    public const int AlreadyRunning = 6;
}
