using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Resilience;
using static Encoder.Recorder.RecorderAction;
using static Encoder.Recorder.RecorderEvent;

namespace Encoder.Recorder;

/// <summary>
/// When the recorder runs, as one pure function: <c>(state, event, now) → (state, actions)</c>. Every decision to
/// restart the recorder, after what delay, to probe the camera meanwhile and to restart it for the camera's streams is
/// here; <see cref="RecorderService"/> only turns happenings into events and carries out the actions. (Whether a run
/// stalled is <see cref="ProgressWatch"/>'s, for every FFmpeg: a stalled run is killed and ends like any failed one.)
/// <list type="table">
/// <item><term>the class begins</term><description>run 1 starts.</description></item>
/// <item><term>a run ends</term><description>a live camera never ends, so every end the recorder did not ask for is a
///   failure: the next run starts after <see cref="RestartSchedule"/>'s delay for failure N in a row (never giving
///   up), and the recording continues in the same playlist.</description></item>
/// <item><term>waiting</term><description><see cref="RestartWait"/>: the camera is probed meanwhile, and a camera seen
///   coming back starts the next run at once, with the delays counted from the first again.</description></item>
/// <item><term>first frame</term><description>the outage, if any, ends and is reported; the delays start from the first.</description></item>
/// <item><term>other streams</term><description>the run reports that the camera sends other streams than it was
///   planned for (<c>Media/PlanCheck</c>): it is stopped and the next started at once with the plan for them, not
///   counted as a failure; unless it was itself such a restart, then it goes on with its plan.</description></item>
/// <item><term>the daemon stops</term><description>the run finishes its last segment; a wait ends at once.</description></item>
/// </list>
/// </summary>
public static class RecorderPolicy
{
    private static readonly RecorderAction[] None = [];

    /// <summary>Before the class begins, under the <c>Ffmpeg</c> options' restart delays.</summary>
    public static RecorderState Initial(FfmpegOptions options) => new(RecorderPhase.Idle, 0, Replanned: false, Streamed: false, RestartSchedule.For(options));

    public static (RecorderState State, IReadOnlyList<RecorderAction> Actions) Decide(RecorderState state, RecorderEvent happened, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (state.Phase, happened) switch
        {
            (RecorderPhase.Idle, Begin) => Start(state, replanned: false),
            (RecorderPhase.Running or RecorderPhase.Replanning or RecorderPhase.Stopping, RunStreaming) when !state.Streamed => Streamed(state, now),
            (RecorderPhase.Running, StreamsChanged c) => state.Replanned
                ? (state, [new KeepsPlan(state.Run, c.Changed)])
                : (state with { Phase = RecorderPhase.Replanning }, [new Replanning(c.Changed, c.Plan), new StopRun()]),
            (RecorderPhase.Replanning, RunEnded) => Start(state, replanned: true),
            (RecorderPhase.Running, RunEnded e) when !e.Exit.StoppedOnRequest => Failed(state, e, now),
            (RecorderPhase.Running or RecorderPhase.Stopping, RunEnded e) => (state with { Phase = RecorderPhase.Stopped }, [new Stopped(e.Exit)]),
            (RecorderPhase.Running or RecorderPhase.Replanning or RecorderPhase.Stopping, RunAbandoned) => (state with { Phase = RecorderPhase.Stopped }, [new Stopped(null)]),
            (RecorderPhase.Waiting, CameraProbed p) => Next(state with { Wait = state.Wait!.Probed(p.StartedAt, p.Answered) }, now),
            (RecorderPhase.Waiting, WaitOver) => Next(state, now),
            (RecorderPhase.Running or RecorderPhase.Replanning, DaemonStops) => (state with { Phase = RecorderPhase.Stopping }, None),
            (RecorderPhase.Idle or RecorderPhase.Waiting, DaemonStops) => (state with { Phase = RecorderPhase.Stopped, Wait = null }, [new Stopped(null)]),
            _ => (state, None), // late news the machine has moved past
        };
    }

    /// <summary>Why a run ended, for logs and the status file. A camera that ends its stream cleanly (exit code 0) is still a fault: a live camera never ends.</summary>
    public static string Describe(FfmpegExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        return exit is { ExitCode: 0, LastError: null or "" } ? "the camera stream ended (exit code 0)" : exit.Describe();
    }

    private static (RecorderState, RecorderAction[]) Start(RecorderState state, bool replanned)
    {
        var run = state.Run + 1;
        return (state with { Phase = RecorderPhase.Running, Run = run, Replanned = replanned, Streamed = false, Wait = null },
            [new StartRun(run, Announce: state.Restarts.OutageStartedAt is null)]);
    }

    private static (RecorderState, RecorderAction[]) Streamed(RecorderState state, DateTimeOffset now)
    {
        var (restarts, outage) = state.Restarts.Recovered(now);
        var next = state with { Streamed = true, Restarts = restarts };
        return outage is { } downFor ? (next, [new CameraBack(downFor)]) : (next, [new Streaming(state.Run)]);
    }

    private static (RecorderState, RecorderAction[]) Failed(RecorderState state, RunEnded ended, DateTimeOffset now)
    {
        var reason = Describe(ended.Exit);
        var (restarts, restart) = state.Restarts.Failed(now, reason, ended.JitterUnit);
        var (next, actions) = Next(state with { Phase = RecorderPhase.Waiting, Restarts = restarts, Wait = RestartWait.Begin(now, restart.Delay) }, now);
        return (next, [new RunFailed(ended.Exit, reason, restart, restarts.OutageStartedAt!.Value), .. actions]);
    }

    /// <summary>The wait's next step at <paramref name="now"/>.</summary>
    private static (RecorderState, RecorderAction[]) Next(RecorderState state, DateTimeOffset now)
    {
        var wait = state.Wait!;
        var step = wait.Next(now);
        switch (step.Action)
        {
            case RestartWaitAction.Start when wait.CameraBack:
                var (next, start) = Start(state with { Restarts = state.Restarts.CameraBack() }, replanned: false);
                return (next, [new RestartEarly(wait.Due - now), .. start]);
            case RestartWaitAction.Start:
                return Start(state, replanned: false);
            case RestartWaitAction.Probe:
                return (state, [new ProbeCamera()]);
            default:
                return (state, [new WaitFor(step.Sleep)]);
        }
    }
}
