using System.Threading.Channels;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Microsoft.Extensions.Hosting;
using static Encoder.Recorder.RecorderAction;
using static Encoder.Recorder.RecorderEvent;

namespace Encoder.Recorder;

/// <summary>
/// Keeps the camera recorded from the class's start until the daemon stops: carries out
/// <see cref="RecorderPolicy"/>'s decisions. It turns what runs (<see cref="RecorderRuns"/>), the camera probe and its
/// timer do into events, one at a time, and applies the actions (start or stop a run, probe, wait, report). It decides
/// nothing itself. News from a run, probe or timer that has since been replaced is dropped here. On stop, the run
/// writes its last segment and ENDLIST.
/// </summary>
public sealed class RecorderService(
    EncoderOptions options,
    SessionStartGate startGate,
    RecorderRuns runs,
    RecorderHealth health,
    RecorderReports reports,
    ICameraReachability camera,
    TimeProvider time) : BackgroundService
{
    private readonly Channel<(RecorderEvent Event, object Source, DateTimeOffset At)> _events = Channel.CreateUnbounded<(RecorderEvent, object, DateTimeOffset)>();
    private RecorderRun? _run;
    private object? _runSource;
    private object? _pending;

    /// <summary>The machine's state, for tests and diagnostics.</summary>
    public RecorderState State { get; private set; } = null!;

    /// <summary>Uniform in [0, 1) for each restart delay's jitter; tests fix it.</summary>
    internal Func<double> JitterUnit { get; init; } = Random.Shared.NextDouble;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // An instance booted before Session:StartsAt waits here: nothing is pulled or pushed before the class.
        if (!await startGate.WaitAsync(stoppingToken).ConfigureAwait(false))
            return;
        health.Begin();
        State = RecorderPolicy.Initial(options.Ffmpeg);
        await using var onStop = stoppingToken.Register(() => Post(new DaemonStops(), this)).ConfigureAwait(false);
        Apply(new Begin(), time.GetUtcNow(), stoppingToken);
        // Not cancelled by the stop: the loop runs until the policy has seen the last run end.
        await foreach (var (happened, source, at) in _events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!IsCurrent(source))
                continue;
            if (stoppingToken.IsCancellationRequested && State.Phase is RecorderPhase.Running or RecorderPhase.Replanning)
                Apply(new DaemonStops(), at, stoppingToken); // the stop may be queued behind the run's end
            Apply(happened, at, stoppingToken);
            if (State.Phase == RecorderPhase.Stopped)
                break;
        }

        _run?.Dispose();
    }

    /// <param name="at">When it happened (posted), so a busy loop does not stretch measured durations.</param>
    private void Apply(RecorderEvent happened, DateTimeOffset at, CancellationToken stoppingToken)
    {
        if (happened is RunEnded or RunAbandoned)
        {
            _run?.Dispose();
            _run = null;
        }

        var (state, actions) = RecorderPolicy.Decide(State, happened, at);
        foreach (var action in actions)
            Do(action, stoppingToken);
        State = state; // after the actions, so whoever sees the state sees its run, probe or timer in place
    }

    private void Do(RecorderAction action, CancellationToken stoppingToken)
    {
        switch (action)
        {
            case StartRun(var run, var announce):
                _pending = null;
                var source = _runSource = new object();
                _run = runs.Start(run, announce, happened => Post(happened, source), JitterUnit, stoppingToken);
                _ = ObserveAsync(_run);
                break;
            case StopRun:
                _run?.Stop();
                break;
            case ProbeCamera:
                _ = ProbeAsync(_pending = new object(), stoppingToken);
                break;
            case WaitFor(var delay):
                _ = WaitAsync(_pending = new object(), delay, stoppingToken);
                break;
            default:
                reports.Report(action);
                break;
        }
    }

    private bool IsCurrent(object source) => source switch
    {
        RecorderService => true,
        _ => ReferenceEquals(source, _runSource) || ReferenceEquals(source, _pending),
    };

    private void Post(RecorderEvent happened, object source) => _events.Writer.TryWrite((happened, source, time.GetUtcNow()));

    /// <summary>A run whose planning failed unexpectedly fails the recorder, as an unhandled error of the service.</summary>
    private async Task ObserveAsync(RecorderRun run)
    {
        try
        {
            await run.Completion.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // handed to the loop, which rethrows it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _events.Writer.TryComplete(ex);
        }
    }

    private async Task ProbeAsync(object probe, CancellationToken stoppingToken)
    {
        var startedAt = time.GetUtcNow();
        try
        {
            Post(new CameraProbed(await camera.AnswersAsync(stoppingToken).ConfigureAwait(false), startedAt), probe);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the policy has ended the wait.
        }
    }

    private async Task WaitAsync(object wait, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            Post(new WaitOver(), wait);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the policy has ended the wait.
        }
    }
}
