using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Encoder.Ffmpeg;

/// <summary>
/// The few libc calls the media runner needs that .NET has no API for: a socket pair that carries file descriptors
/// (SCM_RIGHTS), pipes, <c>posix_spawn</c> with a working directory given as a descriptor, <c>waitpid</c>, and the uid
/// and capability calls. Linux (glibc), x86-64 and arm64 (LP64): the struct layouts below are theirs.
/// </summary>
internal static unsafe partial class MediaNative
{
    public const int SigKill = 9;
    public const int SigInt = 2;
    private const int AfUnix = 1;
    private const int SockSeqPacket = 5;
    private const int SockCloExec = 0x80000;
    private const int OCloExec = 0x80000;
    private const int OPath = 0x200000;
    private const int ODirectory = 0x10000;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCmsgCloExec = 0x40000000;
    private const int FSetFd = 2;
    private const int Eintr = 4;
    private const short PosixSpawnSetSigDef = 0x04;
    private const short PosixSpawnSetSigMask = 0x08;
    private const short PosixSpawnSetSid = 0x80;
    private const int MaxFds = 8;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>A connected pair of sequenced-packet sockets (message boundaries kept), both close-on-exec.</summary>
    public static (int First, int Second) SocketPair()
    {
        var fds = stackalloc int[2];
        Check(socketpair(AfUnix, SockSeqPacket | SockCloExec, 0, fds), "socketpair");
        return (fds[0], fds[1]);
    }

    /// <summary>A pipe, both ends close-on-exec: (read end, write end).</summary>
    public static (int Read, int Write) Pipe()
    {
        var fds = stackalloc int[2];
        Check(pipe2(fds, OCloExec), "pipe2");
        return (fds[0], fds[1]);
    }

    /// <summary>A descriptor naming a directory (for a child's working directory); close-on-exec.</summary>
    public static int OpenDirectory(string path) => Check(open(path, OPath | ODirectory | OCloExec), $"open {path}");

    /// <summary>Lets <paramref name="fd"/> survive exec (for the one child meant to inherit it).</summary>
    public static void Inheritable(int fd) => Check(fcntl(fd, FSetFd, 0), "fcntl");

    /// <summary>Ends both directions of a socket: a thread blocked on it wakes, the other end reads its end.</summary>
    public static void Shutdown(int socket) => _ = shutdown(socket, 2);

    public static void Close(int fd)
    {
        if (fd >= 0)
            _ = close(fd);
    }

    /// <summary>Sends one message with <paramref name="fds"/> attached (copies of them arrive at the other end).</summary>
    public static void Send(int socket, ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        var control = stackalloc byte[ControlSpace];
        fixed (byte* data = message)
        {
            var iov = new IoVec { Base = data, Length = (nuint)message.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1 };
            if (fds.Length > 0)
            {
                if (fds.Length > MaxFds)
                    throw new ArgumentOutOfRangeException(nameof(fds));
                var length = 16 + sizeof(int) * fds.Length; // CMSG_LEN
                *(nuint*)control = (nuint)length;
                *(int*)(control + 8) = SolSocket;
                *(int*)(control + 12) = ScmRights;
                fds.CopyTo(new Span<int>(control + 16, fds.Length));
                header.Control = control;
                header.ControlLength = (nuint)((length + 7) & ~7); // CMSG_SPACE
            }

            while (true)
            {
                var sent = sendmsg(socket, &header, 0);
                if (sent >= 0)
                    return;
                if (Marshal.GetLastPInvokeError() != Eintr)
                    throw Error("sendmsg");
            }
        }
    }

    /// <summary>Receives one message and the descriptors attached (close-on-exec); 0 at the end (the other side closed).</summary>
    public static int Receive(int socket, Span<byte> buffer, Span<int> fds, out int fdCount)
    {
        var control = stackalloc byte[ControlSpace];
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace };
            nint received;
            while ((received = recvmsg(socket, &header, MsgCmsgCloExec)) < 0)
            {
                if (Marshal.GetLastPInvokeError() != Eintr)
                    throw Error("recvmsg");
            }

            fdCount = 0;
            if (header.ControlLength >= 16 && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == ScmRights)
            {
                var count = ((int)*(nuint*)control - 16) / sizeof(int);
                for (var i = 0; i < count; i++)
                {
                    var fd = *(int*)(control + 16 + (i * sizeof(int)));
                    if (i < fds.Length)
                        fds[fdCount++] = fd;
                    else
                        Close(fd); // more than asked for: not ours to keep
                }
            }

            return (int)received;
        }
    }

    private const int ControlSpace = 16 + (MaxFds * sizeof(int));

    /// <summary>
    /// Starts <paramref name="argv"/>[0] (looked up on PATH unless a path) with <paramref name="stdio"/> as its 0, 1 and 2, the directory
    /// <paramref name="directory"/> (a descriptor; -1: the root) as its working directory, in a session of its own, every signal at
    /// its default and none blocked. Returns its pid.
    /// </summary>
    public static int Spawn(IReadOnlyList<string> argv, IReadOnlyList<string> environment, ReadOnlySpan<int> stdio, int directory)
    {
        var actions = NativeMemory.AllocZeroed(1024); // posix_spawn_file_actions_t: 80 bytes in glibc
        var attributes = NativeMemory.AllocZeroed(1024); // posix_spawnattr_t: 336 bytes
        var signals = NativeMemory.AllocZeroed(128); // sigset_t
        var strings = new List<nint>();
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", errorIsResult: true);
            Check(posix_spawnattr_init(attributes), "posix_spawnattr_init", errorIsResult: true);
            for (var i = 0; i < stdio.Length; i++)
                Check(posix_spawn_file_actions_adddup2(actions, stdio[i], i), "adddup2", errorIsResult: true);
            Check(directory >= 0 ? posix_spawn_file_actions_addfchdir_np(actions, directory) : posix_spawn_file_actions_addchdir_np(actions, "/"),
                "addchdir", errorIsResult: true);
            _ = sigfillset(signals);
            Check(posix_spawnattr_setsigdefault(attributes, signals), "setsigdefault", errorIsResult: true);
            _ = sigemptyset(signals);
            Check(posix_spawnattr_setsigmask(attributes, signals), "setsigmask", errorIsResult: true);
            Check(posix_spawnattr_setflags(attributes, PosixSpawnSetSigDef | PosixSpawnSetSigMask | PosixSpawnSetSid), "setflags", errorIsResult: true);

            var args = Strings(argv, strings);
            var env = Strings(environment, strings);
            int pid;
            fixed (nint* a = args, e = env)
            {
                var error = posix_spawnp(&pid, (byte*)args[0], actions, attributes, (byte**)a, (byte**)e);
                if (error != 0)
                    throw new IOException($"posix_spawn {argv[0]}: {Marshal.GetPInvokeErrorMessage(error)}") { HResult = error };
            }

            return pid;
        }
        finally
        {
            _ = posix_spawn_file_actions_destroy(actions);
            _ = posix_spawnattr_destroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            foreach (var s in strings)
                Marshal.FreeHGlobal(s);
        }
    }

    private static nint[] Strings(IReadOnlyList<string> values, List<nint> allocated)
    {
        var pointers = new nint[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(values[i] + "\0");
            var p = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            allocated.Add(p);
            pointers[i] = p;
        }

        return pointers;
    }

    /// <summary>Waits for the child to end: its exit code, or minus the signal that ended it.</summary>
    public static int Wait(int pid)
    {
        int status;
        while (waitpid(pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Eintr)
                throw Error("waitpid");
        }

        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f);
    }

    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    public static int EffectiveUserId => (int)geteuid();

    /// <summary>The uid and primary gid of the user <paramref name="name"/>; null when there is no such user.</summary>
    public static (int Uid, int Gid)? User(string name)
    {
        var entry = getpwnam(name);
        if (entry == null)
            return null;
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        return ((int)*(uint*)(entry + 16), (int)*(uint*)(entry + 20));
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="group"/> (the caller's own group: no capability needed) and sets its mode.</summary>
    public static void ShareWithGroup(string path, int group, int mode)
    {
        Check(chown(path, -1, group), $"chown {path}");
        Check(chmod(path, mode), $"chmod {path}");
    }

    /// <summary>
    /// Gives up CAP_SETUID, CAP_SETGID (and every other capability) in every thread of this process for good, by the
    /// kernel's own rule: when a uid change leaves none of the real, effective and saved uids 0 where one was, the
    /// permitted, effective and ambient sets are cleared. The saved uid is set to 0 (CAP_SETUID allows it) and back;
    /// glibc applies each change to every thread. Nothing can give the capabilities back: NoNewPrivileges, and no
    /// file capabilities or set-uid binary could anyway.
    /// </summary>
    public static void DropCapabilities()
    {
        var uid = geteuid();
        Check(setresuid(uint.MaxValue, uint.MaxValue, 0), "setresuid (saved uid 0)");
        Check(setresuid(uint.MaxValue, uint.MaxValue, uid), "setresuid (saved uid back)");
    }

    /// <summary>The union of every thread's permitted, effective and ambient capabilities (bits, from /proc/self/task/*/status).</summary>
    public static ulong CapabilitiesOfAnyThread(string taskRoot = "/proc/self/task")
    {
        var union = 0UL;
        foreach (var task in Directory.EnumerateDirectories(taskRoot))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("CapPrm:", StringComparison.Ordinal) || line.StartsWith("CapEff:", StringComparison.Ordinal) ||
                        line.StartsWith("CapAmb:", StringComparison.Ordinal))
                        union |= ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // a thread that ended meanwhile
            }
        }

        return union;
    }

    private static int Check(int result, string what, bool errorIsResult = false)
    {
        if (errorIsResult ? result != 0 : result < 0)
            throw errorIsResult ? new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(result)}") : Error(what);
        return result;
    }

    private static IOException Error(string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}") { HResult = errno };
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int socket, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newFd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addfchdir_np(void* actions, int fd);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn_file_actions_addchdir_np(void* actions, string path);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [LibraryImport("libc")]
    private static partial int sigfillset(void* signals);

    [LibraryImport("libc")]
    private static partial int sigemptyset(void* signals);

    [LibraryImport("libc")]
    private static partial int posix_spawnp(int* pid, byte* path, void* actions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* getpwnam(string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresuid(uint real, uint effective, uint saved);
}
