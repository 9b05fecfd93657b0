using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Resilience;
using Encoder.Status;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Fallback;
using Polly.Retry;

namespace Encoder.Egress;

/// <summary>How an attempt to stream ended. A class, not an enum: Polly's pipelines over an enum result are not AOT-safe.</summary>
public sealed class EgressOutcome
{
    /// <summary>The slot (or, in failover, both) stopped streaming: retry after the backoff.</summary>
    public static readonly EgressOutcome Failed = new(nameof(Failed));

    /// <summary>Failover only: the primary has been healthy for the return window; go back to it.</summary>
    public static readonly EgressOutcome PrimaryReturned = new(nameof(PrimaryReturned));

    /// <summary>The daemon is stopping.</summary>
    public static readonly EgressOutcome Stopped = new(nameof(Stopped));

    private readonly string _name;

    private EgressOutcome(string name) => _name = name;

    public override string ToString() => _name;
}

/// <summary>
/// Decides where the stream goes. Every decision is here, as Polly pipelines:
/// <list type="table">
/// <item><term>failover (default)</term><description>
///   <c>Retry(both down: backoff) ∘ Fallback(primary failed → secondary, until the primary has answered probes for
///   <c>Ingest:ReturnWindowSeconds</c>) ∘ stream to the primary</c>. The failover is immediate; the return is
///   make-before-break: the secondary keeps pushing until the primary's first frame is out.</description></item>
/// <item><term>redundant</term><description>each slot streams all the time, each under its own <c>Retry(backoff)</c>.</description></item>
/// <item><term>one slot</term><description>as redundant, with one slot.</description></item>
/// </list>
/// Backoff is exponential with jitter (<see cref="RestartBackoff"/>), reset by any run that streamed.
/// </summary>
public sealed class IngestRouter(
    EncoderOptions options,
    IngestPlan plan,
    EgressLauncher launcher,
    IIngestProbe probe,
    EncoderStatus status,
    TimeProvider time,
    ILogger<IngestRouter> logger)
{
    private readonly EgressLauncher _launcher = launcher;
    private readonly IIngestProbe _probe = probe;
    private readonly EncoderStatus _status = status;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly TimeSpan _probeInterval = TimeSpan.FromSeconds(options.Ingest.ProbeIntervalSeconds);
    private readonly TimeSpan _returnWindow = TimeSpan.FromSeconds(options.Ingest.ReturnWindowSeconds);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            if (plan.Secondary is { } secondary && plan.Mode == IngestMode.Failover)
                await new Failover(this, plan.Primary, secondary).RunAsync(stop).ConfigureAwait(false);
            else
                await Task.WhenAll(plan.Slots.Select(slot => KeepStreamingAsync(slot, stop))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: sessions were asked to finish through their linked tokens.
        }
    }

    /// <summary>One slot, always on: stream, and after a failure reconnect with backoff, forever.</summary>
    private async Task KeepStreamingAsync(IngestSlot slot, CancellationToken stop)
    {
        var outage = new SlotOutage(slot, _logger, _time);
        var pipeline = new ResiliencePipelineBuilder<EgressOutcome>()
            .AddRetry(RetryForever(() => outage.ConsecutiveFailures, slot.Name))
            .Build();
        while (!stop.IsCancellationRequested)
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                _status.Activated(slot, isFailover: false, isReturn: false);
                await using var session = _launcher.Start(slot, ct);
                _ = session.Streaming.ContinueWith(t => { if (t.Result) outage.Streaming(); }, TaskScheduler.Default);
                var exit = await session.Completion.ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                    return EgressOutcome.Stopped;
                outage.Failed(EgressSession.Describe(exit), session.StreamingSince is not null);
                return EgressOutcome.Failed;
            }, stop).ConfigureAwait(false);
        }
    }

    private RetryStrategyOptions<EgressOutcome> RetryForever(Func<int> consecutiveFailures, string what) => new()
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result == EgressOutcome.Failed),
        MaxRetryAttempts = int.MaxValue,
        DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(RestartBackoff.ForRestart(options.Ffmpeg, consecutiveFailures())),
        OnRetry = args =>
        {
            _logger.LogDebug("Ingest {What}: retrying in {DelaySeconds:0.00}s", what, args.RetryDelay.TotalSeconds);
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>The failover pipeline and the state it carries between attempts (the standby handed over on return).</summary>
    private sealed class Failover(IngestRouter router, IngestSlot primary, IngestSlot secondary)
    {
        private readonly SlotOutage _primaryOutage = new(primary, router._logger, router._time);
        private readonly SlotOutage _bothOutage = new(new IngestSlot("primary and secondary", ""), router._logger, router._time);
        private EgressSession? _standby;
        private DateTimeOffset? _primaryFailedAt;

        public async Task RunAsync(CancellationToken stop)
        {
            var pipeline = new ResiliencePipelineBuilder<EgressOutcome>()
                .AddRetry(router.RetryForever(() => _bothOutage.ConsecutiveFailures, "primary and secondary both down"))
                .AddFallback(new FallbackStrategyOptions<EgressOutcome>
                {
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result == EgressOutcome.Failed),
                    FallbackAction = async args => Outcome.FromResult(await OnSecondaryUntilPrimaryReturnsAsync(args.Context.CancellationToken).ConfigureAwait(false)),
                })
                .Build();
            try
            {
                while (!stop.IsCancellationRequested)
                    await pipeline.ExecuteAsync(OnPrimaryAsync, stop).ConfigureAwait(false);
            }
            finally
            {
                if (_standby is { } standby)
                    await standby.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async ValueTask<EgressOutcome> OnPrimaryAsync(CancellationToken ct)
        {
            var handover = _standby;
            _standby = null;
            router._status.Activated(primary, isFailover: false, isReturn: handover is not null);
            await using var session = router._launcher.Start(primary, ct);
            if (handover is not null)
            {
                // Make before break: the secondary pushes until the primary's first frame is out.
                if (await session.Streaming.ConfigureAwait(false))
                {
                    await handover.DisposeAsync().ConfigureAwait(false);
                    router._logger.LogInformation("Back on the primary ingest; the secondary is released");
                }
                else
                {
                    _standby = handover; // the primary failed again at once: the secondary carries on
                }
            }

            if (await session.Streaming.ConfigureAwait(false))
            {
                _primaryOutage.Streaming();
                _bothOutage.Streaming();
            }

            var exit = await session.Completion.ConfigureAwait(false);
            if (ct.IsCancellationRequested)
                return EgressOutcome.Stopped;
            _primaryFailedAt = router._time.GetUtcNow();
            _primaryOutage.Failed(EgressSession.Describe(exit), session.StreamingSince is not null);
            return EgressOutcome.Failed;
        }

        private async Task<EgressOutcome> OnSecondaryUntilPrimaryReturnsAsync(CancellationToken ct)
        {
            var session = _standby is { IsRunning: true } standby ? standby : router._launcher.Start(secondary, ct);
            _standby = null;
            router._status.Activated(secondary, isFailover: true, isReturn: false);
            _ = ReportFailoverAsync(session, _primaryFailedAt);
            DateTimeOffset? healthySince = null;
            while (true)
            {
                var tick = Task.Delay(router._probeInterval, router._time, ct);
                await Task.WhenAny(session.Completion, tick).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                    return EgressOutcome.Stopped;
                }

                if (!session.IsRunning)
                {
                    var exit = await session.Completion.ConfigureAwait(false);
                    _bothOutage.Failed($"secondary: {EgressSession.Describe(exit)}", session.StreamingSince is not null);
                    await session.DisposeAsync().ConfigureAwait(false);
                    return EgressOutcome.Failed;
                }

                if (session.StreamingSince is not null)
                    _bothOutage.Streaming();
                var healthy = await router._probe.IsHealthyAsync(primary.Url, ct).ConfigureAwait(false);
                var now = router._time.GetUtcNow();
                healthySince = healthy ? healthySince ?? now : null;
                if (healthySince is { } since && (now - since >= router._returnWindow || session.StreamingSince is null))
                {
                    router._logger.LogInformation("The primary ingest has answered for {Seconds:0}s; returning to it", (now - since).TotalSeconds);
                    _standby = session;
                    return EgressOutcome.PrimaryReturned;
                }
            }
        }

        private async Task ReportFailoverAsync(EgressSession session, DateTimeOffset? primaryFailedAt)
        {
            if (await session.Streaming.ConfigureAwait(false) && primaryFailedAt is { } failedAt && session.StreamingSince is { } since)
            {
                router._logger.LogWarning("Failed over: the secondary ingest is streaming, {Seconds:0.00}s after the primary failed", (since - failedAt).TotalSeconds);
                router._status.FailoverTook(since - failedAt);
            }
        }
    }

    /// <summary>Logs a slot's outage once when it starts and once when it ends, with its duration.</summary>
    private sealed class SlotOutage(IngestSlot slot, ILogger logger, TimeProvider time)
    {
        private readonly FailureStreak _streak = new(TimeSpan.FromMinutes(1));

        public int ConsecutiveFailures => _streak.Failures;

        public void Failed(string reason, bool hadStreamed)
        {
            if (hadStreamed)
                _streak.Recovered(time.GetUtcNow());
            switch (_streak.Failed(time.GetUtcNow(), reason))
            {
                case FailureReport.OutageStarted:
                    logger.LogWarning("Ingest {Slot} is down: {Reason}; reconnecting", slot.Name, reason);
                    break;
                case FailureReport.StillFailing:
                    logger.LogWarning("Ingest {Slot} still down after {Attempts} attempts: {Reason}", slot.Name, _streak.Failures, reason);
                    break;
                default:
                    logger.LogDebug("Ingest {Slot} attempt failed: {Reason}", slot.Name, reason);
                    break;
            }
        }

        public void Streaming()
        {
            if (_streak.Recovered(time.GetUtcNow()) is { } outage)
                logger.LogInformation("Ingest {Slot} is streaming again after an outage of {Seconds:0.0}s", slot.Name, outage.TotalSeconds);
        }
    }
}
