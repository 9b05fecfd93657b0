using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Lifecycle;

public sealed class SessionClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-clock-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    private sealed class Clock(EncoderOptions options, ObservedTime time, bool started = true) : IDisposable
    {
        public ApplicationLifetime Lifetime { get; } = new(NullLogger<ApplicationLifetime>.Instance);

        public RecordingLayout Layout { get; } = new(options);

        public StopCause Cause { get; private set; } = null!;

        public SessionClock Service { get; private set; } = null!;

        public ListLogger<SessionClock> Log { get; } = new();

        public async Task StartAsync()
        {
            Directory.CreateDirectory(Layout.SessionDirectory);
            Cause = StopCauses.Unclaimed(Layout);
            Service = new SessionClock(options, Layout, Cause, Lifetime, time, Log);
            await Service.StartAsync(CancellationToken.None);
            // .NET 10 runs ExecuteAsync on the thread pool: let the clock read the time and say what it waits for
            // before the test moves the fake time.
            await Poll.UntilAsync(() => !Log.Lines.IsEmpty, TimeSpan.FromSeconds(10), "the clock has started");
            if (started)
                Lifetime.NotifyStarted();
        }

        /// <summary>
        /// Moves the fake time in small steps until the clock stops the host; returns the time it stopped at. (The clock
        /// reads the time and then starts its next wait: a single jump can land between the two.)
        /// </summary>
        public async Task<DateTimeOffset> AdvanceUntilStoppedAsync(TimeSpan step)
        {
            await Poll.UntilAsync(() => { if (!Stopped) time.Advance(step); return Stopped; }, TimeSpan.FromSeconds(30), "the clock stops the host", () => Log.Text);
            await WaitForStopAsync();
            return time.GetUtcNow();
        }

        public bool Stopped => Lifetime.ApplicationStopping.IsCancellationRequested;

        /// <summary>
        /// Moves the fake time by <paramref name="by"/> and waits until the clock has looked at the new time: it either
        /// waits again (a timer armed since) or stops the host.
        /// </summary>
        public async Task AdvanceAndLookAsync(TimeSpan by)
        {
            var armings = time.Armings;
            time.Advance(by);
            await time.UntilArmedSinceAsync(armings, "the clock looked at the new time", () => Stopped);
        }

        public async Task WaitForStopAsync() => await Service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));

        public void Dispose() => Service.Dispose();
    }

    private EncoderOptions Options(SessionOptions session) => new() { SessionId = "class-1", Recording = { Directory = _work }, Session = session };

    [Test]
    public async Task Stops_the_host_when_the_session_end_is_reached_and_not_before_and_records_why()
    {
        var time = new ObservedTime(Now);
        using var clock = new Clock(Options(new SessionOptions { MaxDuration = TimeSpan.FromMinutes(45) }), time);

        await clock.StartAsync();
        await clock.AdvanceAndLookAsync(TimeSpan.FromMinutes(44.99));
        Assert.That(clock.Stopped, Is.False);

        Assert.That(await clock.AdvanceUntilStoppedAsync(TimeSpan.FromSeconds(0.25)), Is.LessThanOrEqualTo(Now.AddMinutes(45).AddSeconds(0.5)));
        Assert.That(clock.Cause.Reason, Is.EqualTo(StopReason.SessionEnded));
    }

    [Test]
    public async Task An_operator_s_end_class_stops_the_host_within_a_second_as_the_class_s_end()
    {
        var time = new ObservedTime(Now);
        using var clock = new Clock(Options(new SessionOptions { EndsAt = Now.AddHours(1) }), time);
        await clock.StartAsync();

        ClassEndMarkers.EndClass(clock.Layout, Now);

        Assert.That(await clock.AdvanceUntilStoppedAsync(TimeSpan.FromSeconds(0.25)), Is.LessThanOrEqualTo(Now + SessionClock.MarkerPollInterval + TimeSpan.FromSeconds(0.5)));
        Assert.That(clock.Cause.Reason, Is.EqualTo(StopReason.ClassEndedByOperator));
    }

    [Test]
    public async Task A_class_already_over_at_start_stops_the_host_once_every_service_has_started()
    {
        var time = new ObservedTime(Now);
        using var clock = new Clock(Options(new SessionOptions { EndsAt = Now.AddMinutes(-5) }), time, started: false);
        await clock.StartAsync();

        await Task.Delay(50);
        Assert.That(clock.Stopped, Is.False, "the host is still starting");

        clock.Lifetime.NotifyStarted();
        await clock.WaitForStopAsync();
        Assert.That(clock.Stopped, Is.True);
        Assert.That(clock.Cause.Reason, Is.EqualTo(StopReason.SessionEnded));
    }

    [Test]
    public async Task Without_an_end_it_never_stops_the_host_on_its_own()
    {
        var time = new ObservedTime(Now);
        using var clock = new Clock(Options(new SessionOptions()), time);
        await clock.StartAsync();

        for (var i = 0; i < 5; i++)
            await clock.AdvanceAndLookAsync(TimeSpan.FromHours(3));

        Assert.That(clock.Stopped, Is.False);
        await clock.Service.StopAsync(CancellationToken.None);
        Assert.That(clock.Cause.Reason, Is.Null);
    }

    [Test]
    public async Task MaxDuration_counts_from_the_class_s_first_start_so_a_restart_does_not_lengthen_the_class()
    {
        var time = new ObservedTime(Now);
        var options = Options(new SessionOptions { MaxDuration = TimeSpan.FromMinutes(45) });
        using (var first = new Clock(options, time))
        {
            await first.StartAsync();
            time.Advance(TimeSpan.FromMinutes(30));
            await first.Service.StopAsync(CancellationToken.None); // an operator's restart, a reboot, a crash
        }

        using var second = new Clock(options, time);
        await second.StartAsync();
        await second.AdvanceAndLookAsync(TimeSpan.FromMinutes(14.99));
        Assert.That(second.Stopped, Is.False);

        Assert.That(await second.AdvanceUntilStoppedAsync(TimeSpan.FromSeconds(0.25)), Is.LessThanOrEqualTo(Now.AddMinutes(45).AddSeconds(0.5)));
        Assert.That(second.Cause.Reason, Is.EqualTo(StopReason.SessionEnded), "45 minutes after the class's first start, not the restart's");
    }

    [TestCase("2026-11-23T17:30:00.0000000+00:00", "2026-11-23T17:30:00.0000000+00:00", TestName = "A recorded start is the class's start")]
    [TestCase("2026-11-23T17:30:00Z\n", "2026-11-23T17:30:00.0000000+00:00", TestName = "Whitespace around it is ignored")]
    [TestCase("2026-11-23T18:30:00Z", null, TestName = "A start after now (the clock jumped back) is not trusted")]
    [TestCase("not a time", null, TestName = "A damaged marker is no start")]
    [TestCase("", null, TestName = "An empty marker is no start")]
    public void Reads_the_class_s_first_start_from_its_marker(string text, string? expected)
    {
        Assert.That(ClassStart.Parse(text, Now),
            Is.EqualTo(expected is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
