using System.Threading.Channels;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using static Encoder.Egress.RoutingAction;
using static Encoder.Egress.RoutingEvent;

namespace Encoder.Egress;

/// <summary>
/// Carries out <see cref="IngestRouting"/>'s decisions: turns what egresses, the probe, backoff timers and the
/// recorder do into events, one at a time, and applies the actions (start or stop an egress, retry after a slot's
/// backoff, probe the primary, report). It decides nothing itself. News from an egress, probe or timer that has since
/// been replaced or stopped is dropped here, so the machine only hears about the current ones.
/// </summary>
public sealed class IngestRouter(
    EncoderOptions options,
    IngestPlan plan,
    IEgressLauncher launcher,
    IIngestProbe probe,
    RecorderHealth recorder,
    IngestReports reports,
    TimeProvider time)
{
    private readonly IngestRouting _routing = new(plan.Mode, plan.Secondary is not null, TimeSpan.FromSeconds(options.Ingest.ReturnWindowSeconds));
    private readonly Channel<(RoutingEvent Event, object Source, DateTimeOffset At)> _events = Channel.CreateUnbounded<(RoutingEvent, object, DateTimeOffset)>();
    private readonly Dictionary<SlotRole, IEgress> _egresses = [];
    private readonly Dictionary<SlotRole, CancellationTokenSource> _retries = [];
    private readonly List<Task> _work = [];
    private CancellationTokenSource? _probing;

    /// <summary>The machine's state, for tests and diagnostics.</summary>
    public RoutingState State { get; private set; } = null!;

    public async Task RunAsync(CancellationToken stop)
    {
        State = _routing.Initial;
        Apply(new Begin(), time.GetUtcNow(), stop);
        try
        {
            await foreach (var (happened, source, at) in _events.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                if (!IsCurrent(source))
                    continue;
                if (recorder.IsUp != State.RecorderUp)
                    Apply(recorder.IsUp ? new RecorderUp() : new RecorderDown(), at, stop);
                Apply(happened, at, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the egresses were asked to finish through their linked tokens.
        }
        finally
        {
            await StopAllAsync().ConfigureAwait(false);
        }
    }

    /// <param name="at">When it happened (posted), so a busy loop does not stretch measured durations.</param>
    private void Apply(RoutingEvent happened, DateTimeOffset at, CancellationToken stop)
    {
        var (state, actions) = _routing.Decide(State, happened, at);
        foreach (var action in actions)
            Do(action, stop);
        State = state; // after the actions, so whoever sees the state sees their timers and egresses in place
    }

    private void Do(RoutingAction action, CancellationToken stop)
    {
        _work.RemoveAll(task => task.IsCompletedSuccessfully);
        switch (action)
        {
            case StartEgress(var slot):
                Release(slot); // the one that failed before, if any: it has ended, this releases it
                var egress = _egresses[slot] = launcher.Start(reports.Slot(slot), stop);
                _work.Add(WatchAsync(slot, egress));
                break;
            case StopEgress(var slot):
                Release(slot);
                break;
            case RetryLater(var slot):
                CancelRetry(slot);
                var retry = _retries[slot] = CancellationTokenSource.CreateLinkedTokenSource(stop);
                _work.Add(RetryAsync(slot, reports.RetryDelay(slot), retry));
                break;
            case StartProbing:
                EndProbing();
                _probing = CancellationTokenSource.CreateLinkedTokenSource(stop);
                _work.Add(ProbeAsync(_probing));
                break;
            case StopProbing:
                EndProbing();
                break;
            default:
                reports.Report(action);
                break;
        }
    }

    private bool IsCurrent(object source) => source switch
    {
        IEgress egress => _egresses.ContainsValue(egress),
        CancellationTokenSource cts => ReferenceEquals(cts, _probing) || _retries.ContainsValue(cts),
        _ => true,
    };

    private void Post(RoutingEvent happened, object source) => _events.Writer.TryWrite((happened, source, time.GetUtcNow()));

    private async Task WatchAsync(SlotRole slot, IEgress egress)
    {
        if (await egress.Streaming.ConfigureAwait(false))
            Post(new EgressStreaming(slot), egress);
        var exit = await egress.Completion.ConfigureAwait(false);
        if (!exit.StoppedOnRequest)
            Post(new EgressFailed(slot, exit.Describe()), egress);
    }

    private async Task RetryAsync(SlotRole slot, TimeSpan delay, CancellationTokenSource retry)
    {
        try
        {
            await Task.Delay(delay, time, retry.Token).ConfigureAwait(false);
            Post(new RetryDue(slot), retry);
        }
        catch (OperationCanceledException)
        {
            // Replaced by a newer retry, or stopping.
        }
    }

    private async Task ProbeAsync(CancellationTokenSource probing)
    {
        var token = probing.Token;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Ingest.ProbeIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                var healthy = await probe.IsHealthyAsync(plan.Primary.Url, token).ConfigureAwait(false);
                Post(healthy ? new ProbeHealthy() : new ProbeUnhealthy(), probing);
            }
        }
        catch (OperationCanceledException)
        {
            // Probing stopped: back on the primary, both down, or stopping.
        }
    }

    private void Release(SlotRole slot)
    {
        CancelRetry(slot);
        if (_egresses.Remove(slot, out var egress))
            _work.Add(egress.DisposeAsync().AsTask());
    }

    private void CancelRetry(SlotRole slot)
    {
        if (!_retries.Remove(slot, out var retry))
            return;
        retry.Cancel();
        retry.Dispose();
    }

    private void EndProbing()
    {
        _probing?.Cancel();
        _probing?.Dispose();
        _probing = null;
    }

    private async Task StopAllAsync()
    {
        _events.Writer.TryComplete();
        EndProbing();
        foreach (var slot in Enum.GetValues<SlotRole>())
            Release(slot);
        try
        {
            await Task.WhenAll(_work).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // An FFmpeg interrupted by the stop: nothing more to wait for.
        }
    }
}
