using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Encoder.Egress;

/// <summary>
/// Where the relay listens: two unix stream sockets, <c>input.sock</c> (the recorder writes) and <c>output.sock</c>
/// (each egress reads), in a directory of their own that only the daemon's uid can enter (<c>0700</c>), or, where
/// FFmpeg runs under a uid of its own (<c>Ffmpeg/MediaAccount</c>), the daemon and that uid's group (<c>0750</c>, the
/// sockets <c>0660</c>). Another local user cannot open either socket, see what is inside, or take a name first: the
/// directory is new and random (<see cref="Directory.CreateTempSubdirectory"/>, created <c>0700</c>), under the
/// unit's private <c>/tmp</c> on the instance. Who did connect is checked again on every connection
/// (<see cref="PeerCredentials"/>). The directory is removed when the relay is disposed.
/// </summary>
public sealed partial class RelaySockets : IDisposable
{
    public const string InputFileName = "input.sock";
    public const string OutputFileName = "output.sock";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly int? _sharedGroup;

    /// <param name="sharedGroup">The group of the uid FFmpeg runs as, when it is not the daemon's; null: the daemon's uid only.</param>
    public RelaySockets(int? sharedGroup = null)
    {
        _sharedGroup = sharedGroup;
        Directory = System.IO.Directory.CreateTempSubdirectory("encoder-relay-").FullName;
        if (OperatingSystem.IsWindows())
            return; // the daemon runs on Linux; elsewhere only the peer check (none there) and the folder's ACL guard it
        if (sharedGroup is { } group)
        {
            Chown(Directory, group);
            File.SetUnixFileMode(Directory, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }
        else
        {
            File.SetUnixFileMode(Directory, Private);
        }
    }

    public string Directory { get; }

    /// <summary>Where the recorder writes its MPEG-TS (FFmpeg's <c>unix:</c> output).</summary>
    public string InputPath => Path.Combine(Directory, InputFileName);

    /// <summary>Where each egress reads the relay (FFmpeg's <c>unix:</c> input).</summary>
    public string OutputPath => Path.Combine(Directory, OutputFileName);

    /// <summary>A listening stream socket at <paramref name="path"/>, connectable by the daemon's uid (and the shared group).</summary>
    internal Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            // Connecting needs write permission on the socket file; the directory already keeps everyone else out.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite |
                    (_sharedGroup is null ? UnixFileMode.None : UnixFileMode.GroupRead | UnixFileMode.GroupWrite));
            if (_sharedGroup is { } group)
                Chown(path, group);
            socket.Listen(8);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in the temporary folder: it holds nothing but two dead socket names.
        }
    }

    private static void Chown(string path, int group)
    {
        if (NativeChown(path, -1, group) != 0)
            throw new IOException($"Could not give {path} to group {group}: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeChown(string path, int owner, int group);
}

/// <summary>Who is at the other end of a unix socket, as the kernel recorded it at connect (<c>SO_PEERCRED</c>).</summary>
public readonly partial record struct PeerCredentials(int ProcessId, int UserId, int GroupId)
{
    /// <summary>The daemon's own effective uid.</summary>
    public static int OwnUserId { get; } = OperatingSystem.IsLinux() ? (int)GetEffectiveUserId() : -1;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The peer of a connected unix socket; null where the kernel cannot tell (not Linux, not a unix socket).</summary>
    public static PeerCredentials? Of(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) != ucred.Length)
                return null;
        }
        catch (SocketException)
        {
            return null;
        }

        return new PeerCredentials(
            BitConverter.ToInt32(ucred[..4]), BitConverter.ToInt32(ucred[4..8]), BitConverter.ToInt32(ucred[8..]));
    }
}
