using CliWrap;
using CliWrap.Buffered;

namespace Encoder.Lifecycle;

/// <summary>Halts this machine: the fallback when TerminateInstances fails.</summary>
public interface IShutdownCommand
{
    /// <summary>What runs, for log lines.</summary>
    string Description { get; }

    /// <summary>Null when the command was accepted, else why not. Bounded by <paramref name="cancellationToken"/>.</summary>
    Task<string?> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <c>shutdown -h now</c>. An instance launched with InstanceInitiatedShutdownBehavior=terminate is then terminated by
/// EC2; any other instance only stops (and keeps its volumes). Needs root or a polkit/sudo rule for the service user.
/// </summary>
public sealed class HaltCommand : IShutdownCommand
{
    private static readonly string[] Arguments = ["-h", "now"];

    public string Description => $"shutdown {string.Join(' ', Arguments)}";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await Cli.Wrap("shutdown").WithArguments(Arguments).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 0 ? null : $"exit code {result.ExitCode}: {result.StandardError.Trim()}";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ex.Message;
        }
    }
}
