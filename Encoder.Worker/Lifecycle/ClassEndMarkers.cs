using System.Globalization;
using Encoder.Recording;

namespace Encoder.Lifecycle;

/// <summary>
/// The two files that tell the daemon a SIGTERM ends the class rather than pausing it. Both are read when the stop
/// begins (<see cref="StopCause"/>); neither is ever written by the daemon itself.
/// <list type="bullet">
/// <item><c>{Recording:Directory}/{SessionId}/class-ended</c>, written by <c>encoder end-class</c>: an operator ended the
/// class on purpose. It stays with the recording, so a daemon started later (a reboot) knows the class is over.</item>
/// <item><c>$RUNTIME_DIRECTORY/hard-stop</c> (<c>/run/encoder/hard-stop</c> under encoder.service), written by
/// encoder-hard-stop.service just before it powers the instance off.</item>
/// </list>
/// </summary>
public static class ClassEndMarkers
{
    public const string ClassEndedFileName = "class-ended";
    public const string HardStopFileName = "hard-stop";

    /// <summary>Set by systemd for a unit with <c>RuntimeDirectory=</c> (encoder.service: <c>/run/encoder</c>).</summary>
    public const string RuntimeDirectoryVariable = "RUNTIME_DIRECTORY";

    public static string ClassEndedPath(RecordingLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return Path.Combine(layout.SessionDirectory, ClassEndedFileName);
    }

    /// <summary>Null when the daemon does not run under systemd with a runtime directory (a laptop): no hard stop there.</summary>
    public static string? HardStopPath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(RuntimeDirectoryVariable) is { Length: > 0 } directories
            ? Path.Combine(directories.Split(':')[0], HardStopFileName)
            : null;
    }

    public static bool ClassEnded(RecordingLayout layout) => File.Exists(ClassEndedPath(layout));

    public static bool HardStopFired(Func<string, string?> environment) => HardStopPath(environment) is { } path && File.Exists(path);

    /// <summary>Records that the class is over (<c>encoder end-class</c>); the daemon notices within a second.</summary>
    public static string EndClass(RecordingLayout layout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var path = ClassEndedPath(layout);
        Directory.CreateDirectory(layout.SessionDirectory);
        File.WriteAllText(path, now.ToString("O", CultureInfo.InvariantCulture) + "\n");
        return path;
    }
}
