using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Encoder.Ffmpeg;

/// <summary>One tool the runner started: the daemon's ends of its pipes, its pid and its end.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its stdin is closed when the tool ends (ExitCodeAsync).")]
internal sealed class MediaRunnerRun : IFfmpegRun
{
    private readonly MediaRunnerClient _client;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FileStream _stdin;
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly Lock _stdinLock = new();
    private bool _stopped; // interrupted or killed on request: no exit code, as CliWrap reports it

    public MediaRunnerRun(MediaRunnerClient client, int id, int stdin, int stdout, int stderr, Action<string> onStdout, Action<string> onStderr)
    {
        _client = client;
        Id = id;
        _stdin = new FileStream(new SafeFileHandle(stdin, ownsHandle: true), FileAccess.Write, 1);
        _stdout = Pump(stdout, onStdout, "media-stdout");
        _stderr = Pump(stderr, onStderr, "media-stderr");
        Exited = ExitCodeAsync();
    }

    public int Id { get; }

    public Task Started => _started.Task;

    public int ProcessId { get; private set; }

    public Task<int?> Exited { get; }

    public void SetStarted(int pid)
    {
        ProcessId = pid;
        _started.TrySetResult();
    }

    public void SetFailed(Exception error)
    {
        if (_started.TrySetException(error))
            SetEnded(-MediaNative.SigKill);
    }

    public void SetEnded(int status) => _ended.TrySetResult(status);

    /// <summary>The request never reached the runner: its pipes end here.</summary>
    public void Abandon()
    {
        SetFailed(new IOException("The media runner was not asked"));
        CloseStdin();
    }

    public void Quit()
    {
        lock (_stdinLock)
        {
            try
            {
                _stdin.Write("q"u8);
                _stdin.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The tool is already gone.
            }
        }
    }

    public void Interrupt()
    {
        _stopped = true;
        _client.SendSignal(Id, MediaNative.SigInt);
    }

    public void Kill()
    {
        _stopped = true;
        _client.SendSignal(Id, MediaNative.SigKill);
    }

    private async Task<int?> ExitCodeAsync()
    {
        var status = await _ended.Task.ConfigureAwait(false);
        CloseStdin();
        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        if (Volatile.Read(ref _stopped))
            return null;
        return status >= 0 ? status : 128 - status; // a signal's end as .NET reports it for its own children
    }

    private void CloseStdin()
    {
        lock (_stdinLock)
            _stdin.Dispose();
    }

    private static Task Pump(int fd, Action<string> onLine, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                using var reader = new StreamReader(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1), Encoding.UTF8);
                while (reader.ReadLine() is { } line)
                    onLine(line);
            }
            catch (IOException)
            {
                // The pipe broke: the tool is gone.
            }
            finally
            {
                done.TrySetResult();
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }
}
