using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Encoder.Recording;
using Microsoft.Win32.SafeHandles;

namespace Encoder.Lifecycle;

/// <summary>
/// What a try for the session's lock gave: the lock, or who holds it (<see cref="Held"/>, with the PID the holder wrote),
/// or why the lock file could not be used (<see cref="Problem"/>).
/// </summary>
public sealed record SessionLockAttempt(SessionLock? Lock, bool Held, int? HolderPid, string Path, string? Problem)
{
    /// <summary>The one line a refused start prints.</summary>
    public string Describe(string sessionId) => Held
        ? $"session {sessionId} is already being recorded by {(HolderPid is { } pid ? $"PID {pid}" : "another daemon (PID unknown)")} ({Path} is locked): "
            + "this start changed nothing. To end the class: sudo encoder end-class; to follow it: journalctl -u encoder -f"
        : $"cannot take the lock of session {sessionId} ({Path}): {Problem}";
}

/// <summary>
/// One daemon per session: an exclusive advisory lock (<c>flock(2)</c>, never waited for) on
/// <c>{Recording:Directory}/{SessionId}.lock</c>, taken before anything of the session is touched and held for the
/// daemon's life. The kernel drops it when the process ends, however it ends (a crash, SIGKILL): there is no stale
/// lock to clean up, and the file is never removed (removing a lock file races with the next start).
/// <list type="bullet">
/// <item>Beside the session's folder, not in it: that folder's existence means "this machine holds a recording of the
/// session" (a late restart, <c>encoder end-class</c>), so taking the lock must not create it. Not in
/// <c>/run/encoder</c>: a daemon started by hand has no <c>RUNTIME_DIRECTORY</c>, and must meet the unit's lock.</item>
/// <item>Opened <c>O_CLOEXEC</c>: FFmpeg and ffprobe never inherit it, so a child that outlives the daemon cannot hold
/// the session.</item>
/// <item>The holder writes its PID into the file, so a refused start can name it; a refused start only reads.</item>
/// </list>
/// </summary>
public sealed partial class SessionLock : IDisposable
{
    public const string FileSuffix = ".lock";

    private const int ReadOnly = 0;
    private const int ReadWrite = 2;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;
    private const int Exclusive = 2;
    private const int NonBlocking = 4;
    private const int WouldBlock = 11;
    private const int AccessDenied = 13;
    private const int Mode = 0x1A4; // 0644, less the umask (0027 under encoder.service)

    private readonly SafeFileHandle _handle;

    private SessionLock(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Symlinks are not followed: the recordings folder belongs to the daemon's user, and root may start one by hand.</summary>
    private static int NoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>The lock file of the session <paramref name="layout"/> records: <c>{Recording:Directory}/{SessionId}.lock</c>.</summary>
    public static string PathFor(RecordingLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.SessionDirectory + FileSuffix;
    }

    /// <summary>Takes the lock for <paramref name="processId"/>, or says who holds it. Never waits; a refused try changes nothing.</summary>
    public static SessionLockAttempt TryAcquire(string path, int processId)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!); // the recordings folder, which the daemon creates anyway
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SessionLockAttempt(null, false, null, path, ex.Message);
        }

        var writable = true;
        var fd = Open(path, ReadWrite | Create | CloseOnExec | NoFollow, Mode);
        if (fd < 0 && Marshal.GetLastPInvokeError() == AccessDenied)
        {
            // A lock file left by a start as root: still lockable, though this daemon cannot write its PID into it.
            writable = false;
            fd = Open(path, ReadOnly | CloseOnExec | NoFollow, 0);
        }

        if (fd < 0)
            return new SessionLockAttempt(null, false, null, path, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));

        var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        try
        {
            if (Flock(handle, Exclusive | NonBlocking) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                using (handle)
                {
                    return error == WouldBlock
                        ? new SessionLockAttempt(null, true, ReadPid(handle), path, null)
                        : new SessionLockAttempt(null, false, null, path, Marshal.GetPInvokeErrorMessage(error));
                }
            }

            if (writable)
            {
                RandomAccess.SetLength(handle, 0);
                RandomAccess.Write(handle, Encoding.ASCII.GetBytes(processId.ToString(CultureInfo.InvariantCulture) + "\n"), 0);
            }

            return new SessionLockAttempt(new SessionLock(handle, path), false, null, path, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            handle.Dispose();
            return new SessionLockAttempt(null, false, null, path, ex.Message);
        }
    }

    private static int? ReadPid(SafeFileHandle handle)
    {
        var buffer = new byte[32];
        var length = RandomAccess.Read(handle, buffer, 0);
        return int.TryParse(Encoding.ASCII.GetString(buffer, 0, length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Releases the lock (closing the descriptor); the file stays.</summary>
    public void Dispose() => _handle.Dispose();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle fd, int operation);
}
