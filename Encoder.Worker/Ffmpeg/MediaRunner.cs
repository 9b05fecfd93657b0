using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Encoder.Ffmpeg;

/// <summary>
/// The media runner: the daemon's own binary started as <c>encoder media-runner FD</c> under the <c>encoder-media</c>
/// uid (<see cref="MediaRunnerClient"/>), with no capabilities, connected to the daemon by the socket pair FD. It
/// starts each FFmpeg and ffprobe the daemon asks for, with the stdin, stdout and stderr the daemon hands over
/// (SCM_RIGHTS) and the recording folder as its working directory (a descriptor: the runner's uid need not reach it by
/// path), in a session of its own and dying with the runner (<c>setpriv --pdeathsig KILL</c>); it reports each pid and
/// each end, and passes on the daemon's signals (SIGINT, SIGKILL) to its own children only. When the daemon goes
/// (its end of the socket closes), every child is killed and the runner ends. It never reads the media itself.
/// </summary>
public static class MediaRunner
{
    /// <summary>The hidden verb (not in <c>--help</c>): <c>encoder media-runner FD</c>.</summary>
    public const string Verb = "media-runner";

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var socket))
        {
            Console.Error.WriteLine($"encoder {Verb}: started by the daemon only");
            return 2;
        }

        Directory.SetCurrentDirectory("/"); // the daemon's folder is not this uid's to enter
        new Server(socket).Serve();
        return 0;
    }

    /// <summary>Serves the daemon on <paramref name="socket"/> until it goes (tests run it in-process).</summary>
    internal sealed class Server(int socket)
    {
        private readonly Lock _send = new();
        private readonly ConcurrentDictionary<int, int> _children = new(); // request id → pid, while it runs
        private readonly string[] _environment = [.. Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(key => $"{key}={Environment.GetEnvironmentVariable(key)}")];

        public void Serve()
        {
            Reply(MediaRunnerMessage.Ready(MediaNative.EffectiveUserId));
            var buffer = new byte[MediaRunnerMessage.MaxBytes];
            Span<int> fds = stackalloc int[4];
            while (true)
            {
                var length = MediaNative.Receive(socket, buffer, fds, out var fdCount);
                if (length == 0)
                    break; // the daemon is gone
                try
                {
                    Handle(buffer.AsSpan(0, length), fds[..fdCount]);
                }
                finally
                {
                    foreach (var fd in fds[..fdCount])
                        MediaNative.Close(fd);
                }
            }

            foreach (var pid in _children.Values)
                MediaNative.Signal(pid, MediaNative.SigKill);
        }

        private void Handle(ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
        {
            switch (message[0])
            {
                case MediaRunnerMessage.Start when fds.Length is 3 or 4:
                    var id = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
                    var argv = Encoding.UTF8.GetString(message[5..]).Split('\0');
                    try
                    {
                        var pid = MediaNative.Spawn(argv, _environment, fds[..3], fds.Length == 4 ? fds[3] : -1);
                        _children[id] = pid;
                        Reply(MediaRunnerMessage.Started(id, pid));
                        var waiter = new Thread(() =>
                        {
                            var status = MediaNative.Wait(pid);
                            _children.TryRemove(id, out _);
                            Reply(MediaRunnerMessage.Ended(id, status));
                        }) { IsBackground = true, Name = $"media-wait-{pid}" };
                        waiter.Start();
                    }
                    catch (IOException ex)
                    {
                        Reply(MediaRunnerMessage.Failed(id, ex.Message));
                    }

                    break;
                case MediaRunnerMessage.Signal:
                    var target = BinaryPrimitives.ReadInt32LittleEndian(message[1..]);
                    var signal = BinaryPrimitives.ReadInt32LittleEndian(message[5..]);
                    if (signal is MediaNative.SigInt or MediaNative.SigKill && _children.TryGetValue(target, out var child))
                        MediaNative.Signal(child, signal);
                    break;
            }
        }

        private void Reply(byte[] message)
        {
            lock (_send)
                MediaNative.Send(socket, message, []);
        }
    }
}

/// <summary>
/// The messages between the daemon and the media runner, one per packet (a SOCK_SEQPACKET pair): a kind byte, then
/// little-endian int32s, then UTF-8 strings separated by NUL.
/// daemon → runner: <c>S id argv…</c> with stdin, stdout, stderr (and the working directory) attached; <c>K id signal</c>.
/// runner → daemon: <c>R uid</c> (ready, once), <c>P id pid</c> (started), <c>F id message</c> (could not start),
/// <c>X id status</c> (ended: exit code, or minus the signal).
/// </summary>
internal static class MediaRunnerMessage
{
    public const int MaxBytes = 256 * 1024;
    public const byte Start = (byte)'S';
    public const byte Signal = (byte)'K';
    public const byte ReadyKind = (byte)'R';
    public const byte StartedKind = (byte)'P';
    public const byte FailedKind = (byte)'F';
    public const byte EndedKind = (byte)'X';

    public static byte[] StartRequest(int id, IReadOnlyList<string> argv) => With(Start, [id], string.Join('\0', argv));

    public static byte[] SignalRequest(int id, int signal) => With(Signal, [id, signal]);

    public static byte[] Ready(int uid) => With(ReadyKind, [uid]);

    public static byte[] Started(int id, int pid) => With(StartedKind, [id, pid]);

    public static byte[] Failed(int id, string message) => With(FailedKind, [id], message);

    public static byte[] Ended(int id, int status) => With(EndedKind, [id, status]);

    public static int Int(ReadOnlySpan<byte> message, int index) => BinaryPrimitives.ReadInt32LittleEndian(message[(1 + (4 * index))..]);

    public static string Text(ReadOnlySpan<byte> message, int ints) => Encoding.UTF8.GetString(message[(1 + (4 * ints))..]);

    private static byte[] With(byte kind, int[] values, string text = "")
    {
        var bytes = new byte[1 + (4 * values.Length) + Encoding.UTF8.GetByteCount(text)];
        bytes[0] = kind;
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1 + (4 * i)), values[i]);
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(1 + (4 * values.Length)));
        if (bytes.Length > MaxBytes)
            throw new ArgumentException("A media runner message is limited to 256 KiB", nameof(text));
        return bytes;
    }
}
