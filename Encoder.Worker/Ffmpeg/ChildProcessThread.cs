using System.Collections.Concurrent;

namespace Encoder.Ffmpeg;

/// <summary>
/// Starts child processes from one thread that lives as long as the daemon. Linux delivers a parent-death signal
/// (prctl PR_SET_PDEATHSIG, set here through <c>setpriv --pdeathsig</c>) when the thread that forked the child exits,
/// not the process; a thread-pool thread may retire at any time, this one never does. So FFmpeg dies with the daemon,
/// even when the daemon is SIGKILLed, and never before.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Never disposed on purpose: ending the thread would signal every child it started.")]
public sealed class ChildProcessThread
{
    private readonly BlockingCollection<Action> _starts = new();

    public ChildProcessThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var start in _starts.GetConsumingEnumerable())
                start();
        })
        {
            IsBackground = true,
            Name = "child-process-starter",
        };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> (which starts a process) on the long-lived thread.</summary>
    public Task<T> StartAsync<T>(Func<T> start)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starts.Add(() =>
        {
            try
            {
                completion.SetResult(start());
            }
#pragma warning disable CA1031 // handed to the caller
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }
}
