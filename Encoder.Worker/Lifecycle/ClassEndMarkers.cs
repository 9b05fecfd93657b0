using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
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

    /// <summary>
    /// Records that the class is over (<c>encoder end-class</c>); the daemon notices within a second. Written by root
    /// (<c>sudo encoder end-class</c>) into a folder the daemon's user owns, so it never follows a link: every folder of
    /// the path is opened from <c>/</c> without following links, and the marker is created new in the last one
    /// (<c>O_CREAT|O_EXCL|O_NOFOLLOW</c>), never truncated. A link anywhere on the path is refused
    /// (<see cref="MarkerRefusedException"/>) and nothing is written. A marker already there is left as it was: the
    /// class ended already.
    /// </summary>
    /// <returns>The marker's path.</returns>
    public static string EndClass(RecordingLayout layout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var path = ClassEndedPath(layout);
        NoFollowFile.CreateNew(path, now.ToString("O", CultureInfo.InvariantCulture) + "\n");
        return path;
    }
}

/// <summary>A marker that would have been written through a symbolic link, or in a place that is not a folder.</summary>
public sealed class MarkerRefusedException(string message) : IOException(message);

/// <summary>
/// Creates a file without following a symbolic link anywhere on its path (Linux: <c>openat</c> from <c>/</c>, one
/// folder at a time, with <c>O_NOFOLLOW</c>). Elsewhere only the last step is guarded (<c>O_CREAT|O_EXCL</c>, which
/// never follows a link either).
/// </summary>
internal static partial class NoFollowFile
{
    private const int ReadOnly = 0, WriteOnly = 1, Create = 0x40, Exclusive = 0x80, CloseOnExec = 0x80000, PathOnly = 0x200000;
    private const int NoSuchFile = 2, Exists = 17, NotADirectory = 20, TooManyLinks = 40;

    /// <summary>O_DIRECTORY and O_NOFOLLOW differ between Linux's architectures; null where this has not been checked.</summary>
    private static (int Directory, int NoFollow)? Flags => !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Arm => (0x4000, 0x8000),
        _ => null,
    };

    /// <summary>Creates <paramref name="path"/> (0644) with <paramref name="text"/>; an existing regular file is left as it is.</summary>
    public static void CreateNew(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        if (Flags is not { } flags)
        {
            try
            {
                using var created = File.OpenHandle(full, FileMode.CreateNew, FileAccess.Write);
                RandomAccess.Write(created, bytes, 0);
            }
            catch (IOException) when (File.Exists(full) && new FileInfo(full).LinkTarget is null)
            {
            }

            return;
        }

        var names = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var folder = Open("/", ReadOnly | PathOnly | flags.Directory | CloseOnExec, 0);
        if (folder < 0)
            throw new IOException($"cannot open /: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            for (var i = 0; i < names.Length - 1; i++)
            {
                var next = OpenAt(folder, names[i], ReadOnly | PathOnly | flags.Directory | flags.NoFollow | CloseOnExec, 0);
                var error = Marshal.GetLastPInvokeError();
                if (next < 0)
                {
                    var at = "/" + string.Join('/', names[..(i + 1)]);
                    throw error switch
                    {
                        TooManyLinks or NotADirectory => new MarkerRefusedException($"{at} is a symbolic link or not a folder: refusing to write {full} through it"),
                        NoSuchFile => new DirectoryNotFoundException($"{at} does not exist"),
                        _ => new IOException($"cannot open {at}: errno {error}"),
                    };
                }

                Close(folder);
                folder = next;
            }

            var fd = OpenAt(folder, names[^1], WriteOnly | Create | Exclusive | flags.NoFollow | CloseOnExec, 0b110_100_100);
            var created = Marshal.GetLastPInvokeError();
            if (fd < 0)
            {
                if (created == Exists && new FileInfo(full).LinkTarget is null)
                    return;
                throw created is Exists or TooManyLinks
                    ? new MarkerRefusedException($"{full} is a symbolic link: refusing to write through it")
                    : new IOException($"cannot create {full}: errno {created}");
            }

            using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            RandomAccess.Write(handle, bytes, 0);
        }
        finally
        {
            Close(folder);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenAt(int folder, string name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
