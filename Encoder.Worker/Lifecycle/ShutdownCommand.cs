namespace Encoder.Lifecycle;

/// <summary>Halts this machine: the fallback when TerminateInstances fails.</summary>
public interface IShutdownCommand
{
    /// <summary>What it does, for log lines.</summary>
    string Description { get; }

    /// <summary>Null when the halt was asked for, else why not. Bounded by <paramref name="cancellationToken"/>.</summary>
    Task<string?> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Asks systemd to power the instance off by ending with <see cref="ExitCodes.PowerOffRequested"/>: asking is all it
/// does; <see cref="ClassEnd.ExitCode"/> turns the fallback's outcome into that code. The daemon itself can't power off:
/// it runs as the unprivileged <c>encoder</c> user under <c>NoNewPrivileges</c> with no capabilities.
/// encoder.service's <c>ExecStopPost=+</c> (root, after the daemon has exited) powers off on that exit code alone; EC2
/// then terminates an instance launched with InstanceInitiatedShutdownBehavior=terminate (any other only stops).
/// Outside that unit (a laptop, a test) the exit code is all that happens.
/// </summary>
public sealed class SystemdPowerOff : IShutdownCommand
{
    public string Description => $"exit code {ExitCodes.PowerOffRequested}, which encoder.service turns into a poweroff";

    public Task<string?> RunAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
