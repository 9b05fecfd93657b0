using Encoder.Configuration;
using Encoder.Recording;

namespace Encoder.Lifecycle;

/// <summary>
/// <c>encoder end-class</c>: how an operator ends a class early on purpose, on the instance
/// (<c>sudo encoder end-class</c>). It reads the same configuration as the daemon, so it names the same session, and
/// writes the class-ended marker beside the recording (<see cref="ClassEndMarkers"/>). Within a second the running
/// daemon stops as at the class's end: FFmpeg flushes, the upload drains, the instance is terminated. Unlike a
/// SIGTERM (stop, restart, reboot: the class resumes), the marker stays, so a daemon started later finishes the job.
/// </summary>
public static class EndClassCommand
{
    public const string Verb = "end-class";

    /// <summary>What <c>encoder --help</c> says of it.</summary>
    public const string Description = "End the class now, on purpose: the running daemon stops within a second as at the class's end.";

    /// <summary>What <c>encoder end-class --help</c> says after the usage.</summary>
    public const string HelpEpilogue = """
        It reads the daemon's own settings (the class's file, the environment, --Encoder:KEY=VALUE), so it names the
        same session, and leaves the class-ended marker beside the recording. The daemon then stops as at the class's
        end: FFmpeg finishes its segment, the recording is stored, the instance terminates if self-termination is on.
        Unlike a SIGTERM (systemctl stop or restart, a reboot: the class resumes at the next start), the class stays
        ended. Run it on the instance: sudo encoder end-class

        """;

    public static int Run(EncoderOptions options, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(time);
        var layout = new RecordingLayout(options);
        if (!Directory.Exists(layout.SessionDirectory))
        {
            // Creating it here (as root) would leave the daemon a folder it cannot write to.
            stderr.WriteLine($"encoder: end-class: no recording of session {options.SessionId} on this machine ({layout.SessionDirectory}): nothing to end");
            return ExitCodes.ConfigurationError;
        }

        string marker;
        try
        {
            marker = ClassEndMarkers.EndClass(layout, time.GetUtcNow());
        }
        catch (IOException ex)
        {
            // A link planted in the daemon's folder (or a folder gone meanwhile): root writes nothing through it.
            stderr.WriteLine($"encoder: end-class: {ex.Message}: nothing written, the class goes on");
            return ExitCodes.Failure;
        }

        stdout.WriteLine($"Class {options.SessionId} ended ({marker}): the daemon stops within a second, stores the rest of the recording, then terminates the instance if self-termination is on. Follow it with: journalctl -u encoder -f");
        return ExitCodes.Clean;
    }
}
