using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Lifecycle;

public sealed class SessionStartGateTests
{
    private static readonly DateTimeOffset Boot = new(2026, 11, 23, 17, 50, 0, TimeSpan.Zero);

    [Test]
    public async Task An_instance_booted_early_opens_the_gate_at_the_start_and_not_before_and_says_when()
    {
        var time = new ObservedTime(Boot);
        var log = new ListLogger<SessionStartGate>();
        var options = new EncoderOptions { Session = new SessionOptions { StartsAt = Boot.AddMinutes(10) } };
        var gate = new SessionStartGate(options, new RecordingLayout(options), time, log);

        var opened = gate.WaitAsync(CancellationToken.None);
        Assert.That(time.NextDue, Is.EqualTo(Boot.AddMinutes(10)), "the gate waits for the start, and for nothing earlier");
        time.Advance(TimeSpan.FromMinutes(9.99));
        Assert.That(opened.IsCompleted, Is.False);

        time.Advance(TimeSpan.FromMinutes(0.02));
        Assert.That(await opened.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(log.Text, Does.Contain("The session starts at 2026-11-23T18:00:00.0000000+00:00: waiting 00:10:00 before starting FFmpeg"));
    }

    [TestCase(null)]
    [TestCase("2026-11-23T17:00:00Z")]
    public void Without_a_start_or_with_one_in_the_past_the_gate_is_open(string? startsAt)
    {
        var options = new EncoderOptions
        {
            Session = new SessionOptions { StartsAt = startsAt is null ? null : DateTimeOffset.Parse(startsAt, System.Globalization.CultureInfo.InvariantCulture) },
        };
        var gate = new SessionStartGate(options, new RecordingLayout(options), new FakeTimeProvider(Boot), new ListLogger<SessionStartGate>());

        Assert.That(gate.WaitAsync(CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Stopped_while_waiting_the_gate_stays_shut_and_FFmpeg_never_starts()
    {
        var options = new EncoderOptions { Session = new SessionOptions { StartsAt = Boot.AddHours(1) } };
        var gate = new SessionStartGate(options, new RecordingLayout(options), new FakeTimeProvider(Boot), new ListLogger<SessionStartGate>());
        using var stop = new CancellationTokenSource();

        var opened = gate.WaitAsync(stop.Token);
        await stop.CancelAsync();

        Assert.That(await opened.WaitAsync(TimeSpan.FromSeconds(5)), Is.False);
    }

    [Test]
    public async Task After_the_class_s_end_the_gate_never_opens_and_says_why()
    {
        var log = new ListLogger<SessionStartGate>();
        var options = new EncoderOptions { SessionId = "late", Session = new SessionOptions { StartsAt = Boot.AddHours(-2), EndsAt = Boot.AddMinutes(-1) } };
        var gate = new SessionStartGate(options, new RecordingLayout(options), new FakeTimeProvider(Boot), log);

        Assert.That(await gate.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)), Is.False);
        Assert.That(log.Text, Does.Contain("The class is over (Encoder:Session:EndsAt 2026-11-23T17:49:00.0000000+00:00 has passed): FFmpeg is not started"));
    }

    [Test]
    public async Task A_restart_after_MaxDuration_from_the_class_s_first_start_never_opens_the_gate()
    {
        var work = Directory.CreateTempSubdirectory("encoder-gate-").FullName;
        using var cleanup = new DeleteOnDispose(work);
        var options = new EncoderOptions { SessionId = "restarted", Recording = { Directory = work }, Session = new SessionOptions { MaxDuration = TimeSpan.FromHours(1) } };
        var layout = new RecordingLayout(options);
        ClassStart.ReadOrRecord(layout, Boot.AddHours(-2)); // the class's first daemon, two hours ago
        var gate = new SessionStartGate(options, layout, new FakeTimeProvider(Boot), new ListLogger<SessionStartGate>());

        Assert.That(await gate.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)), Is.False);
    }

    [Test]
    public async Task A_class_an_operator_ended_never_opens_the_gate_again_even_before_its_end()
    {
        var work = Directory.CreateTempSubdirectory("encoder-gate-").FullName;
        try
        {
            var options = new EncoderOptions { SessionId = "ended", Recording = { Directory = work }, Session = new SessionOptions { EndsAt = Boot.AddHours(1) } };
            var layout = new RecordingLayout(options);
            Directory.CreateDirectory(layout.SessionDirectory);
            ClassEndMarkers.EndClass(layout, Boot);
            var gate = new SessionStartGate(options, layout, new FakeTimeProvider(Boot), new ListLogger<SessionStartGate>());

            Assert.That(await gate.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)), Is.False);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed class DeleteOnDispose(string path) : IDisposable
    {
        public void Dispose() => Directory.Delete(path, recursive: true);
    }
}
