using System.Diagnostics.Metrics;
using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Logging;
using Encoder.Metrics;
using Encoder.Playback;
using Encoder.Status;
using Encoder.Tests.Configuration;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Playback;

/// <summary>What the playback watch's events become: status.json's <c>playback</c>, the EMF gauges, the log's lines; and its setting.</summary>
public sealed class PlaybackReportsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A class whose CDN plays, stalls at T0+4 (said at T0+16) and recovers at T0+30.</summary>
    private static readonly ClassEvent[] UpThenStale =
    [
        new PlaybackWatchBegan(T0),
        new PlaybackChecked(T0, 7, Advanced: false, null),
        new PlaybackChecked(T0.AddSeconds(2), 8, Advanced: true, null),
        new PlaybackLive(T0.AddSeconds(2), TimeSpan.FromSeconds(2)),
        new PlaybackChecked(T0.AddSeconds(4), 9, Advanced: true, null),
        new PlaybackChecked(T0.AddSeconds(16), null, Advanced: false, "playlist: HTTP 404 Not Found"),
        new PlaybackStale(T0.AddSeconds(16), T0.AddSeconds(4), "playlist: HTTP 404 Not Found"),
    ];

    [Test]
    public void The_status_line_says_how_long_playback_has_been_stale_and_nothing_once_it_plays()
    {
        var time = new FakeTimeProvider(T0.AddSeconds(20));
        var status = new EncoderStatus(time);
        foreach (var happened in UpThenStale)
            status.Hear(happened);
        var stale = StatusLine.Format(status.Snapshot("c"), LiveRates.Unknown);
        status.Hear(new PlaybackRecovered(T0.AddSeconds(21), TimeSpan.FromSeconds(17)));

        Assert.That(stale, Does.EndWith(" | playback stale for 16s"));
        Assert.That(StatusLine.Format(status.Snapshot("c"), LiveRates.Unknown), Does.Not.Contain("playback"));
    }

    [Test]
    public void Status_json_says_the_state_how_long_it_is_stale_and_the_last_problem_and_writes_a_change_of_state_at_once()
    {
        var time = new FakeTimeProvider(T0);
        var status = new EncoderStatus(time);
        var unwatched = status.Snapshot("c").Playback;

        foreach (var happened in UpThenStale)
            status.Hear(happened);
        var changed = status.NextChange;
        time.SetUtcNow(T0.AddSeconds(20));
        var stale = status.Snapshot("c").Playback;
        status.Hear(new PlaybackChecked(T0.AddSeconds(30), 10, Advanced: true, null));
        status.Hear(new PlaybackRecovered(T0.AddSeconds(30), TimeSpan.FromSeconds(26)));
        var recovered = status.Snapshot("c").Playback;
        status.Hear(new PlaybackWatchEnded(T0.AddSeconds(40)));

        Assert.Multiple(() =>
        {
            Assert.That(unwatched, Is.Null, "no playback object without Playback:LiveUrl");
            Assert.That(stale, Is.EqualTo(new PlaybackSnapshot("stale", 16, 9, T0.AddSeconds(4), T0.AddSeconds(16), "playlist: HTTP 404 Not Found")));
            Assert.That(changed.IsCompleted, Is.True, "recovering is a change of state, written at once");
            Assert.That(recovered, Is.EqualTo(new PlaybackSnapshot("up", 0, 10, T0.AddSeconds(30), T0.AddSeconds(30), null)));
            Assert.That(status.Snapshot("c").Playback!.State, Is.EqualTo("ended"));
        });
    }

    [Test]
    public void The_gauges_say_up_and_how_long_stale_while_the_watch_runs_and_nothing_before_or_after()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(T0);
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), time, new RecorderHealth(time));
        using var collector = new MetricsCollector(metrics.Meter);
        (double?, double?) Gauges()
        {
            var points = collector.Collect();
            return (points.FirstOrDefault(p => p.Name == "PlaybackUp")?.Value, points.FirstOrDefault(p => p.Name == "PlaybackStaleSeconds")?.Value);
        }

        var before = Gauges();
        metrics.Hear(UpThenStale[0]);
        var waiting = Gauges();
        foreach (var happened in UpThenStale[1..4])
            metrics.Hear(happened);
        var up = Gauges();
        foreach (var happened in UpThenStale[4..])
            metrics.Hear(happened);
        time.SetUtcNow(T0.AddSeconds(20));
        var stale = Gauges();
        metrics.Hear(new PlaybackRecovered(T0.AddSeconds(30), TimeSpan.FromSeconds(26)));
        var recovered = Gauges();
        metrics.Hear(new PlaybackWatchEnded(T0.AddSeconds(40)));

        Assert.That(new[] { before, waiting, up, stale, recovered, Gauges() }, Is.EqualTo(new (double?, double?)[]
        {
            (null, null), (0, 0), (1, 0), (0, 16), (1, 0), (null, null),
        }));
    }

    [Test]
    public void The_log_says_stale_as_a_warning_and_recovered_as_information_each_with_its_event_id()
    {
        var logger = new ListLogger<PlaybackWatch>();
        var log = new PlaybackLog(new EncoderOptions { Playback = { LiveUrl = "https://cdn.example.com/live.m3u8" } }, logger);

        foreach (var happened in UpThenStale)
            log.Hear(happened);
        log.Hear(new PlaybackRecovered(T0.AddSeconds(30), TimeSpan.FromSeconds(26)));
        log.Hear(new PlaybackWatchEnded(T0.AddSeconds(40)));

        Assert.That(logger.Said, Is.EqualTo(new[]
        {
            (LogLevel.Information, 600), (LogLevel.Information, 601), (LogLevel.Warning, 602), (LogLevel.Information, 603), (LogLevel.Information, 604),
        }));
    }

    [TestCase("https://cdn.example.com/live/index.m3u8?token=abc", null)]
    [TestCase("http://127.0.0.1:8080/hls/key.m3u8", null)]
    [TestCase("", null)]
    [TestCase("ftp://cdn.example.com/live.m3u8", "Encoder:Playback:LiveUrl: must be an https:// (or http://) URL")]
    [TestCase("https://user:pass@cdn.example.com/live.m3u8", "Encoder:Playback:LiveUrl: must be an https:// (or http://) URL")]
    [TestCase("/live/index.m3u8", "Encoder:Playback:LiveUrl: must be an https:// (or http://) URL")]
    public void The_live_url_is_optional_and_must_be_an_http_url_without_credentials_in_its_authority(string url, string? error)
    {
        var values = TestConfigurations.Valid();
        values["Encoder:Playback:LiveUrl"] = url;

        var errors = EncoderConfiguration.Load(TestConfigurations.Build(values), TestConfigurations.Now).Errors.Where(e => e.Contains("LiveUrl", StringComparison.Ordinal));

        Assert.That(errors, error is null ? Is.Empty : Has.One.StartsWith(error));
    }

    [Test]
    public void The_live_url_token_is_redacted_whatever_its_parameter_is_called_and_wherever_it_appears()
    {
        const string token = "exp=1765100000~acl=/*~hmac=0a1b2c3d4e5f";
        var redactor = SecretRedactor.For(new EncoderOptions { Playback = { LiveUrl = $"https://cdn.example.com/live/index.m3u8?hdnts={token}" } });

        var line = redactor.Redact($"Watching https://cdn.example.com/live/index.m3u8?hdnts={token}; segment https://cdn.example.com/live/seg-1.ts?hdnts={token}");

        Assert.That(line, Is.EqualTo("Watching https://cdn.example.com/live/index.m3u8?hdnts=***; segment https://cdn.example.com/live/seg-1.ts?hdnts=***"));
    }
}
