using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Egress;

/// <summary>The driver against stand-in egresses and probe, on fake time: what IngestRouting decides is what happens.</summary>
public sealed class IngestRouterTests
{
    private ObservedTime _time = null!;
    private FakeLauncher _launcher = null!;
    private FakeProbe _probe = null!;
    private EncoderStatus _status = null!;
    private RecorderHealth _health = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new ObservedTime(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _launcher = new FakeLauncher();
        _probe = new FakeProbe();
        _status = new EncoderStatus(_time);
        _health = new RecorderHealth(_time);
    }

    [Test]
    public async Task Fails_over_at_once_and_returns_make_before_break_after_the_window()
    {
        await using var router = Start(IngestMode.Failover);
        RecorderUp();
        var primary = await _launcher.NextAsync("primary");
        primary.Stream();

        _time.Advance(TimeSpan.FromSeconds(1));
        RecorderUp();
        primary.Fail();
        var secondary = await _launcher.NextAsync("secondary");
        _time.Advance(TimeSpan.FromSeconds(0.5));
        secondary.Stream();
        await UntilAsync(() => _status.LastFailoverTook is not null);
        Assert.That((_status.ActiveSlot, _status.Failovers, _status.LastFailoverTook), Is.EqualTo(("secondary", 1, TimeSpan.FromSeconds(0.5))));

        _probe.Healthy = true;
        for (var i = 0; i < 25 && _launcher.Count < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await UntilAsync(() => _probe.Probes > i || _launcher.Count >= 3);
            if (i == 0)
                await UntilAsync(() => router.State.PrimaryHealthySince is not null);
        }

        Assert.That(_time.GetUtcNow() - _time.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(31.5)), "not before the 30 s window");

        var back = await _launcher.NextAsync("primary");
        Assert.That(secondary.Disposed, Is.False, "make before break: the secondary pushes until the primary's first frame");
        back.Stream();
        await UntilAsync(() => secondary.Disposed);
        Assert.That((_status.ActiveSlot, _status.Returns, router.State.Route), Is.EqualTo(("primary", 1, Route.OnPrimary)));

        await router.DisposeAsync();
        Assert.That(back.Disposed, Is.True, "stopping stops the egresses");
    }

    [Test]
    public async Task Both_down_retries_each_slot_after_its_backoff_and_the_first_back_takes_over()
    {
        await using var router = Start(IngestMode.Failover);
        RecorderUp();
        (await _launcher.NextAsync("primary")).Fail();
        (await _launcher.NextAsync("secondary")).Fail();
        await UntilAsync(() => router.State.Route == Route.BothDown);
        var failedAt = _time.GetUtcNow();
        bool Backoff(DateTimeOffset due) => due - failedAt >= TimeSpan.FromSeconds(0.4) && due - failedAt <= TimeSpan.FromSeconds(0.6);
        await UntilAsync(() => _time.Due.Count(Backoff) == 2);
        Assert.That(_time.NextDue, Is.GreaterThanOrEqualTo(failedAt + TimeSpan.FromSeconds(0.4)), "each slot waits its first backoff (0.5 s ±20 %), and nothing is due before");

        _time.Advance(TimeSpan.FromSeconds(0.39));
        Assert.That(_launcher.Count, Is.EqualTo(2), "nothing before the first backoff");
        _time.Advance(TimeSpan.FromSeconds(0.8));
        await UntilAsync(() => _launcher.Count == 4);
        var primary = _launcher.Latest("primary");
        var secondary = _launcher.Latest("secondary");
        RecorderUp();
        primary.Fail();
        secondary.Stream();
        await UntilAsync(() => router.State.Route == Route.OnSecondary);
        Assert.That(_status.ActiveSlot, Is.EqualTo("secondary"));
    }

    [Test]
    public async Task An_egress_failing_while_the_recorder_is_down_is_reconnected_without_failover()
    {
        await using var router = Start(IngestMode.Failover);
        var primary = await _launcher.NextAsync("primary");
        primary.Fail(); // the recorder never advanced: not the ingest's fault
        await UntilAsync(() => router.State.Primary == EgressPhase.Waiting);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _launcher.NextAsync("primary");
        Assert.That((_status.Failovers, _launcher.Started.Count(e => e.Slot.Name == "secondary")), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task In_redundant_mode_each_slot_recovers_on_its_own()
    {
        await using var router = Start(IngestMode.Redundant);
        RecorderUp();
        var primary = await _launcher.NextAsync("primary");
        var secondary = await _launcher.NextAsync("secondary");
        primary.Fail();
        await UntilAsync(() => router.State.Primary == EgressPhase.Waiting);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _launcher.NextAsync("primary");
        Assert.That((secondary.Disposed, _status.Failovers), Is.EqualTo((false, 0)));
    }

    private Running Start(IngestMode mode)
    {
        var options = new EncoderOptions
        {
            Ingest = new IngestOptions { Primary = "rtmp://127.0.0.1:1/live/p", Secondary = "rtmp://127.0.0.1:2/live/s", Mode = mode },
        };
        var plan = new IngestPlan(options);
        var reports = new IngestReports(options, plan, new ClassEvents([_status]), _time);
        return new Running(new IngestRouter(options, plan, _launcher, _probe, _health, reports, _time));
    }

    /// <summary>The recorder advances now (a run starts the first time).</summary>
    private void RecorderUp()
    {
        if (!_health.Started)
            _health.RunStarting();
        _health.Progress(new FfmpegProgress(_time.GetUtcNow().Ticks, TimeSpan.FromTicks(_time.GetUtcNow().Ticks), 1, IsEnd: false));
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 5)
        {
            if (waited > 5000)
                Assert.Fail("timed out");
            await Task.Delay(5);
        }
    }

    /// <summary>A router running until disposed, which stops it as the daemon's stop would.</summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IngestRouter _router;
        private readonly Task _run;

        public Running(IngestRouter router)
        {
            _router = router;
            _run = Task.Run(() => router.RunAsync(_stop.Token), CancellationToken.None);
        }

        public RoutingState State => _router.State;

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
                await _stop.CancelAsync();
            await _run;
        }
    }

    private sealed class FakeProbe : IIngestProbe
    {
        private int _probes;

        public bool Healthy { get; set; }

        public int Probes => Volatile.Read(ref _probes);

        public Task<bool> IsHealthyAsync(string url, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            return Task.FromResult(Healthy);
        }
    }

    private sealed class FakeLauncher : IEgressLauncher
    {
        private int _taken;

        public List<FakeEgress> Started { get; } = [];

        public int Count
        {
            get
            {
                lock (Started)
                    return Started.Count;
            }
        }

        public FakeEgress Latest(string slot)
        {
            lock (Started)
                return Started.Last(e => e.Slot.Name == slot);
        }

        public IEgress Start(IngestSlot slot, CancellationToken daemonStop)
        {
            var egress = new FakeEgress(slot);
            lock (Started)
                Started.Add(egress);
            return egress;
        }

        /// <summary>The next egress started, in order, which must be for <paramref name="slot"/>.</summary>
        public async Task<FakeEgress> NextAsync(string slot)
        {
            await UntilAsync(() => { lock (Started) return Started.Count > _taken; });
            FakeEgress next;
            lock (Started)
                next = Started[_taken++];
            Assert.That(next.Slot.Name, Is.EqualTo(slot));
            return next;
        }
    }

    private sealed class FakeEgress(IngestSlot slot) : IEgress
    {
        private readonly TaskCompletionSource<bool> _streaming = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<FfmpegExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IngestSlot Slot => slot;

        public bool Disposed { get; private set; }

        public Task<bool> Streaming => _streaming.Task;

        public Task<FfmpegExit> Completion => _completion.Task;

        public void Stream() => _streaming.TrySetResult(true);

        public void Fail()
        {
            _streaming.TrySetResult(false);
            _completion.TrySetResult(new FfmpegExit(1, TimeSpan.FromSeconds(1), null, "Broken pipe", StoppedOnRequest: false, Stalled: false));
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            _streaming.TrySetResult(false);
            _completion.TrySetResult(new FfmpegExit(0, TimeSpan.FromSeconds(1), null, null, StoppedOnRequest: true, Stalled: false));
            return ValueTask.CompletedTask;
        }
    }
}
