using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Encoder.Ffmpeg;

/// <summary>
/// The daemon's side of the media runner (<see cref="MediaRunner"/>): starts it once as <paramref name="account"/>'s
/// uid and gid (no supplementary groups, no capabilities), then has it start every FFmpeg and ffprobe. For each, the
/// daemon makes the three pipes and keeps its ends (it writes <c>q</c>, reads the lines), so a run behaves as a child
/// of its own would; the recording folder is handed over as a descriptor, after it is given to the account's group
/// with group write (what FFmpeg writes is in that group, its primary, which the daemon reads through; no setgid bit:
/// the unit's RestrictSUIDSGID refuses it, and FFmpeg's gid gives the same) and the sticky bit (FFmpeg cannot remove
/// or replace the daemon's files there).
/// </summary>
public sealed class MediaRunnerClient : IMediaTools, IDisposable
{
    private const string SetprivPath = "/usr/bin/setpriv";

    /// <summary>The recording folder's mode while FFmpeg runs as another uid: sticky, rwx for owner and group (01770).</summary>
    internal const int SharedFolderMode = 0b001_111_111_000;

    private readonly int _socket;
    private readonly MediaAccount _account;
    private readonly ILogger _logger;
    private readonly Lock _send = new();
    private readonly ConcurrentDictionary<int, MediaRunnerRun> _runs = new();
    private readonly ConcurrentDictionary<string, bool> _sharedFolders = new(StringComparer.Ordinal);
    private int _nextId;
    private volatile bool _gone;
    private volatile bool _disposed;

    private MediaRunnerClient(int socket, MediaAccount account, int runnerPid, ILogger logger)
    {
        _socket = socket;
        _account = account;
        RunnerPid = runnerPid;
        _logger = logger;
    }

    public int RunnerPid { get; }

    /// <summary>
    /// Starts the runner (through <c>setpriv</c>, while the daemon still holds CAP_SETUID and CAP_SETGID) and waits for
    /// its first word, which says the uid it runs as. Throws when it cannot start or runs as anything else.
    /// </summary>
    public static MediaRunnerClient Start(MediaAccount account, ChildProcessThread starter, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(starter);
        var (mine, theirs) = MediaNative.SocketPair();
        int pid;
        try
        {
            MediaNative.Inheritable(theirs); // nothing else is started yet: no other child can inherit it
            var start = new ProcessStartInfo(SetprivPath) { UseShellExecute = false };
            foreach (var argument in RunnerArguments(account, theirs))
                start.ArgumentList.Add(argument);
            start.Environment.Clear();
            foreach (var name in (string[])["PATH", "LANG", "LC_ALL", "TZ", "DOTNET_ROOT"])
            {
                if (Environment.GetEnvironmentVariable(name) is { } value)
                    start.Environment[name] = value;
            }

            using var process = starter.StartAsync(() => Process.Start(start)!).GetAwaiter().GetResult();
            pid = process.Id;
        }
        catch
        {
            MediaNative.Close(mine);
            throw;
        }
        finally
        {
            MediaNative.Close(theirs);
        }

        return Connect(mine, account, pid, logger);
    }

    /// <summary>Takes over the daemon's end of a runner's socket: waits for the runner's first word (its uid), then reads its replies.</summary>
    internal static MediaRunnerClient Connect(int socket, MediaAccount account, int runnerPid, ILogger logger)
    {
        var buffer = new byte[MediaRunnerMessage.MaxBytes];
        var length = MediaNative.Receive(socket, buffer, [], out _);
        if (length < 5 || buffer[0] != MediaRunnerMessage.ReadyKind || MediaRunnerMessage.Int(buffer.AsSpan(0, length), 0) != account.Uid)
        {
            MediaNative.Close(socket);
            throw new IOException($"The media runner did not start as {account.Name} (uid {account.Uid})");
        }

        var client = new MediaRunnerClient(socket, account, runnerPid, logger);
        new Thread(client.ReadReplies) { IsBackground = true, Name = "media-runner-replies" }.Start();
        return client;
    }

    /// <summary>
    /// <c>setpriv</c> switches to the account's uid and gid and clears the supplementary groups; it lowers the
    /// inheritable and ambient capabilities, so the runner starts with none (nothing is permitted after the exec); the
    /// runner dies with the daemon (<c>--pdeathsig</c>, from <see cref="ChildProcessThread"/>).
    /// </summary>
    internal static IReadOnlyList<string> RunnerArguments(MediaAccount account, int socket)
    {
        ArgumentNullException.ThrowIfNull(account);
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The daemon's own path is unknown");
        var entry = Environment.GetCommandLineArgs()[0];
        string[] binary = entry.EndsWith(".dll", StringComparison.Ordinal) ? [self, entry] : [self]; // `dotnet encoder.dll` in tests
        return
        [
            $"--reuid={account.Uid}", $"--regid={account.Gid}", "--clear-groups", "--inh-caps=-all", "--ambient-caps=-all",
            "--no-new-privs", "--pdeathsig=KILL", "--", .. binary, MediaRunner.Verb, socket.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
    }

    public async Task<IFfmpegRun> StartAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory, Action<string> onStdout, Action<string> onStderr)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(arguments);
        if (_gone)
            throw new IOException("The media runner is gone: FFmpeg cannot be started");
        if (workingDirectory is not null && !_sharedFolders.ContainsKey(workingDirectory))
        {
            MediaNative.ShareWithGroup(workingDirectory, _account.Gid, SharedFolderMode);
            _sharedFolders.TryAdd(workingDirectory, true);
        }

        var id = Interlocked.Increment(ref _nextId);
        var stdin = MediaNative.Pipe();
        var stdout = MediaNative.Pipe();
        var stderr = MediaNative.Pipe();
        var directory = workingDirectory is null ? -1 : MediaNative.OpenDirectory(workingDirectory);
        var run = new MediaRunnerRun(this, id, stdin.Write, stdout.Read, stderr.Read, onStdout, onStderr);
        _runs[id] = run;
        try
        {
            string[] argv = File.Exists(SetprivPath) ? [SetprivPath, "--pdeathsig", "KILL", "--", program, .. arguments] : [program, .. arguments];
            int[] fds = directory >= 0 ? [stdin.Read, stdout.Write, stderr.Write, directory] : [stdin.Read, stdout.Write, stderr.Write];
            lock (_send)
                MediaNative.Send(_socket, MediaRunnerMessage.StartRequest(id, argv), fds);
        }
        catch
        {
            _runs.TryRemove(id, out _);
            run.Abandon();
            throw;
        }
        finally
        {
            MediaNative.Close(stdin.Read);
            MediaNative.Close(stdout.Write);
            MediaNative.Close(stderr.Write);
            MediaNative.Close(directory);
        }

        await run.Started.ConfigureAwait(false);
        return run;
    }

    /// <summary>Ends the runner's connection: the runner kills what it runs and ends (the daemon's exit does the same).</summary>
    public void Dispose()
    {
        _disposed = true;
        MediaNative.Shutdown(_socket);
    }

    internal void SendSignal(int id, int signal)
    {
        if (_gone)
            return;
        try
        {
            lock (_send)
                MediaNative.Send(_socket, MediaRunnerMessage.SignalRequest(id, signal), []);
        }
        catch (IOException ex)
        {
            _logger.LogDebug(ex, "Could not ask the media runner to signal run {Id}", id);
        }
    }

    private void ReadReplies()
    {
        var buffer = new byte[MediaRunnerMessage.MaxBytes];
        try
        {
            int length;
            while ((length = MediaNative.Receive(_socket, buffer, [], out _)) > 0)
            {
                var message = buffer.AsSpan(0, length);
                if (length < 5 || !_runs.TryGetValue(MediaRunnerMessage.Int(message, 0), out var run))
                    continue;
                switch (message[0])
                {
                    case MediaRunnerMessage.StartedKind:
                        run.SetStarted(MediaRunnerMessage.Int(message, 1));
                        break;
                    case MediaRunnerMessage.FailedKind:
                        _runs.TryRemove(run.Id, out _);
                        run.SetFailed(new IOException(MediaRunnerMessage.Text(message, 1)));
                        break;
                    case MediaRunnerMessage.EndedKind:
                        _runs.TryRemove(run.Id, out _);
                        run.SetEnded(MediaRunnerMessage.Int(message, 1));
                        break;
                }
            }
        }
        catch (IOException ex)
        {
            _logger.LogDebug(ex, "Reading the media runner failed");
        }

        _gone = true;
        MediaNative.Close(_socket);
        if (!_disposed)
            _logger.LogCritical("The media runner (pid {Pid}) is gone: no FFmpeg can be started, and those it ran are killed", RunnerPid);
        foreach (var run in _runs.Values)
        {
            run.SetFailed(new IOException("The media runner is gone"));
            run.SetEnded(-MediaNative.SigKill);
        }
    }
}
