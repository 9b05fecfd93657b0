using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Encoder.Tests.Infrastructure;

/// <summary>A process a test started: output captured line by line; stopped by its own handle (SIGTERM, then SIGKILL) on dispose.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineAdded = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _lines);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return new ChildProcess(Process.Start(info)!);
    }

    public async Task<string> WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var match = _lines.FirstOrDefault(regex.IsMatch);
            if (match is not null)
                return match;
            if (_process.HasExited)
            {
                await Task.Delay(100); // let the last lines arrive
                match = _lines.FirstOrDefault(regex.IsMatch);
                return match ?? throw new InvalidOperationException($"The process exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
            }

            try
            {
                await _lineAdded.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No line matched /{pattern}/ within {timeout}:\n{Output}");
            }
        }
    }

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                Signal(Signals.SigTerm);
                await WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _lineAdded.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        _lineAdded.Release();
    }
}
