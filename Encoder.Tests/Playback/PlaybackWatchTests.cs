using System.Collections.Concurrent;
using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Logging;
using Encoder.Playback;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Playback;

/// <summary>The watch as a service on a fake clock, against a stub CDN: when it looks, what it publishes, and when it ends.</summary>
public sealed class PlaybackWatchTests
{
    private const string Url = "https://cdn.example.com/live/index.m3u8?token=Tok3nValue";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private sealed class Heard : IClassEventSubscriber
    {
        public ConcurrentQueue<ClassEvent> Events { get; } = new();

        public int Checks => Events.Count(e => e is PlaybackChecked);

        public void Hear(ClassEvent happened) => Events.Enqueue(happened);
    }

    [Test]
    public async Task From_the_class_start_it_reports_live_stale_and_recovered_once_each_and_ends_at_the_stop_request_with_nothing_after()
    {
        var time = new FakeTimeProvider(T0);
        var recorder = new RecorderHealth(time);
        long newest = 10;
        var cdn = new StubCdn { [Url] = _ => StubCdn.Playlist($"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:{newest}\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg-{newest}.ts\n") };
        var heard = new Heard();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var options = new EncoderOptions { Playback = { LiveUrl = Url } };
        using var watch = new PlaybackWatch(options, new PlaybackProbe(new HttpClient(cdn), new Uri(Url), TimeSpan.FromSeconds(2)), recorder,
            new ClassEvents([heard]), SecretRedactor.For(options), lifetime, time);

        await watch.StartAsync(CancellationToken.None);
        var beforeTheClass = cdn.Requests.Count;
        recorder.Begin();
        await Poll.UntilAsync(() => heard.Checks == 1, TimeSpan.FromSeconds(10), "the first look (the baseline)");
        await LookAsync(advance: true); // T0+2: live
        await LookAsync(advance: true); // T0+4
        for (var i = 0; i < 6; i++)
            await LookAsync(advance: false); // T0+6 … T0+16: stale at 12 s without a new segment
        await LookAsync(advance: true); // T0+18: recovered
        lifetime.StopApplication();
        await watch.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(beforeTheClass, Is.Zero, "nothing is looked at before the class starts");
            Assert.That(heard.Events.Where(e => e is not PlaybackChecked), Is.EqualTo(new ClassEvent[]
            {
                new PlaybackWatchBegan(T0),
                new PlaybackLive(T0.AddSeconds(2), TimeSpan.FromSeconds(2)),
                new PlaybackStale(T0.AddSeconds(16), T0.AddSeconds(4), "the playlist has stopped advancing"),
                new PlaybackRecovered(T0.AddSeconds(18), TimeSpan.FromSeconds(14)),
                new PlaybackWatchEnded(T0.AddSeconds(18)),
            }));
            Assert.That(heard.Events.Last(), Is.InstanceOf<PlaybackWatchEnded>(), "nothing is reported after the class is over");
            Assert.That(heard.Events.OfType<PlaybackChecked>().Select(c => c.Advanced), Is.EqualTo(new[] { false, true, true, false, false, false, false, false, false, true }));
        });

        async Task LookAsync(bool advance)
        {
            if (advance)
                newest++;
            var checks = heard.Checks;
            time.Advance(TimeSpan.FromSeconds(2));
            await Poll.UntilAsync(() => heard.Checks == checks + 1, TimeSpan.FromSeconds(10), $"look {checks + 1}");
        }
    }
}
