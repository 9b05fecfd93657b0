using System.Diagnostics;
using System.Text.Json;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Playback;

/// <summary>
/// The playback watch end to end: the real daemon, camera and nginx-rtmp, whose own HLS of what the daemon pushes,
/// served over HTTP, stands in for the CDN viewers play from. What the "CDN" serves is frozen (a stale playlist, 200
/// and 304) and then hidden (404) while the egress goes on streaming; the watch's state is read from status.json and the
/// EMF documents, never from the log's wording.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters] // 40 s of a class and a CDN that stalls: waiting, on servers of its own
[Category("Integration")]
public sealed class PlaybackThroughTheCdnTests : LiveClassFixture
{
    private const string Token = "Cdn7okenSecr3t";
    private static readonly TimeSpan Raise = TimeSpan.FromSeconds(20);

    protected override bool WithPlayback => true;

    [Test]
    public async Task A_stalled_or_missing_cdn_playlist_is_reported_stale_within_20s_and_clears_when_it_recovers_without_any_failover()
    {
        await using var emf = EmfAgent.Start();
        const string session = "playback-1";
        var key = NewStreamKey();
        var settings = EncoderDaemon.Settings(session, Camera.Url, Ingest.UrlFor(key), Path.Combine(Work, session));
        settings["Ingest:Secondary"] = Ingest.UrlFor(NewStreamKey()); // a failover would be possible: none may happen
        settings["Playback:LiveUrl"] = $"{Ingest.PlaybackUrlFor(key)}?token={Token}";
        EncoderDaemon.WithMetrics(settings, emf.Endpoint);
        var status = EncoderDaemon.Status(settings);
        string? State() => Playback(status) is { } p ? p.GetProperty("state").GetString() : null;

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(() => State() == "up", TimeSpan.FromSeconds(40), "the CDN's playlist advances", () => daemon.Output);
        await Poll.UntilAsync(() => LastValue(emf, session, "PlaybackUp") == 1, TimeSpan.FromSeconds(10), "EMF says PlaybackUp 1");

        var (staleAfterFreeze, upAfterFreeze) = await StaleAndBackAsync(Ingest.FreezePlayback, "the CDN serves a frozen playlist");
        var (staleAfter404, upAfter404) = await StaleAndBackAsync(Ingest.HidePlayback, "the CDN answers 404");
        TestContext.Out.WriteLine($"frozen: stale after {staleAfterFreeze.TotalSeconds:0.0}s, up again {upAfterFreeze.TotalSeconds:0.0}s after the CDN recovered; "
                                  + $"404: stale after {staleAfter404.TotalSeconds:0.0}s, up again {upAfter404.TotalSeconds:0.0}s after");

        Assert.Multiple(() =>
        {
            Assert.That(status.Number("failovers"), Is.Zero, "a stale playback URL is a report, not a control");
            Assert.That(status.ActiveSlot(), Is.EqualTo("primary"));
            Assert.That(status.IngestFailures("primary"), Is.Zero);
            Assert.That(status.RecorderRestarts(), Is.Zero);
            Assert.That(emf.Values(session, "PlaybackStaleSeconds").Max(), Is.GreaterThanOrEqualTo(12), "the gauge the alarm reads rose");
            Assert.That(LastValue(emf, session, "PlaybackStaleSeconds"), Is.Zero);
            Assert.That(daemon.Output, Does.Not.Contain(Token), "the playback URL's token is redacted");
            Assert.That(File.ReadAllText(Path.Combine(settings["Recording:Directory"], session, "status.json")), Does.Not.Contain(Token));
        });

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);
        Assert.That(State(), Is.EqualTo("ended"), "the watch ends with the class: the CDN stopping then is not reported");

        // The CDN fails while the egress streams: stale within the raise time, then the CDN recovers and it clears.
        async Task<(TimeSpan Stale, TimeSpan Up)> StaleAndBackAsync(Action fail, string what)
        {
            var clock = Stopwatch.StartNew();
            fail();
            await Poll.UntilAsync(() => State() == "stale", Raise, $"playback is stale once {what}", () => daemon.Output);
            var stale = clock.Elapsed;
            Assert.That(status.IngestState("primary"), Is.EqualTo("streaming"), "the egress goes on streaming");
            await Poll.UntilAsync(() => LastValue(emf, session, "PlaybackUp") == 0, TimeSpan.FromSeconds(10), "EMF says PlaybackUp 0");
            clock.Restart();
            Ingest.ResumePlayback();
            await Poll.UntilAsync(() => State() == "up", TimeSpan.FromSeconds(20), $"playback is up again after {what}", () => daemon.Output);
            var up = clock.Elapsed;
            await Poll.UntilAsync(() => LastValue(emf, session, "PlaybackUp") == 1, TimeSpan.FromSeconds(10), "EMF says PlaybackUp 1 again");
            return (stale, up);
        }
    }

    private static double? LastValue(EmfAgent emf, string session, string metric) => emf.Values(session, metric) is { Count: > 0 } values ? values[^1] : null;

    private static JsonElement? Playback(StatusFile status) =>
        status.Read() is { } root && root.TryGetProperty("playback", out var playback) ? playback : null;
}
