using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>The real daemon against the project's real test camera, a real nginx-rtmp ingest and real FFmpeg.</summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(2)] // among the first to start, so the overlapping fixtures do not wait for it at the end: ~110 s
[Category("Integration")]
public sealed partial class StreamingTests : LiveClassFixture
{
    [Test]
    public async Task Streams_to_the_ingest_and_records_a_complete_playlist_until_the_session_ends()
    {
        var key = NewStreamKey();
        var work = Path.Combine(Work, "class");
        var settings = EncoderDaemon.Settings("class-1", Camera.Url, Ingest.UrlFor(key), work);
        settings["Session:MaxDuration"] = "00:00:15";

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var log = daemon.Output;

        Assert.That(exitCode, Is.Zero, log);

        // The ingest received H.264 video and AAC 48 kHz audio.
        var received = Ingest.RecordingsFor(key);
        Assert.That(received, Is.Not.Empty, "nothing reached the ingest");
        var streams = await Ffprobe.ShowAsync(received[0], "stream=codec_name,sample_rate");
        Assert.That(streams, Does.Contain("codec_name=h264"));
        Assert.That(streams, Does.Contain("codec_name=aac|sample_rate=48000"));

        // The stored recording: a complete playlist of at least two decodable segments, identical to the local copy.
        var stored = Path.Combine(work, "storage", "class-1");
        var playlist = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(stored, "index.m3u8")));
        Assert.That(playlist.HasEndList, Is.True, "the stored playlist has no #EXT-X-ENDLIST");
        Assert.That(playlist.Segments, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var segment in playlist.Segments)
        {
            var path = Path.Combine(stored, segment.Uri);
            Assert.That(await Ffprobe.CountVideoFramesAsync(path), Is.GreaterThan(0), segment.Uri);
            Assert.That(await File.ReadAllBytesAsync(path),
                Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(work, "recordings", "class-1", segment.Uri))), segment.Uri);
        }

        // Its durations add up to what FFmpeg recorded, within one segment, and to what the media itself says.
        var recorded = double.Parse(RecordedSeconds().Match(log).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.That(playlist.TotalDuration.TotalSeconds, Is.EqualTo(recorded).Within(2.0));
        Assert.That(recorded, Is.GreaterThan(10), "a 15 s class should record well over 10 s");
        Assert.That(await Ffprobe.DurationSecondsAsync(Path.Combine(stored, "index.m3u8")),
            Is.EqualTo(playlist.TotalDuration.TotalSeconds).Within(0.5));

        // Stopping went in lifecycle order: FFmpeg flushed, then the uploader drained, then self-termination.
        var order = new[] { "Session end reached", "Recorder stopped with exit code", "Upload drained", "Self-termination is disabled" }
            .Select(step => log.IndexOf(step, StringComparison.Ordinal)).ToList();
        Assert.That(order, Is.Ordered.And.All.GreaterThanOrEqualTo(0), log);

        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty, "an FFmpeg outlived the daemon");
        AssertNoSecretsIn(work, log, key);
        Assert.That(Directory.GetFiles(Path.Combine(stored, "logs"), "ffmpeg-*.log").Select(Path.GetFileName), Has.Some.StartsWith("ffmpeg-recorder-").And.Some.StartsWith("ffmpeg-egress-primary-"),
            "FFmpeg's logs were not stored");
    }

    [Test]
    public async Task A_camera_that_drops_and_returns_is_restarted_and_the_recording_continues_across_a_marked_gap()
    {
        await using var camera = await TestCamera.StartAsync();
        var key = NewStreamKey();
        var work = Path.Combine(Work, "camera-drop");
        var settings = EncoderDaemon.Settings("class-7", camera.Url, Ingest.UrlFor(key), work);
        var recording = Path.Combine(work, "recordings", "class-7");

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(recording, "index.m3u8")));
        var firstSegment = await File.ReadAllBytesAsync(Path.Combine(recording, before.Segments[0].Uri));

        var status = EncoderDaemon.Status(settings);
        await camera.StopAsync();
        await Poll.UntilAsync(() => status.RecorderRestarts() >= 1, TimeSpan.FromSeconds(15), "the recorder noticed the camera is gone");
        await camera.RestartAsync();
        await Poll.UntilAsync(() => status.RecorderState() == "streaming", TimeSpan.FromSeconds(30), "the camera is back and recorded");
        await Task.Delay(TimeSpan.FromSeconds(5));
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);

        var after = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "storage", "class-7", "index.m3u8")));
        Assert.That(after.HasEndList, Is.True);
        Assert.That(after.Segments.Take(before.Segments.Count), Is.EqualTo(before.Segments), "what was recorded before the drop stays as it was");
        Assert.That(after.Segments.Select(s => s.Uri), Is.Unique.And.Ordered, "numbering continues; no segment is overwritten");
        Assert.That(after.Segments.Skip(before.Segments.Count).Count(s => s.DiscontinuityBefore), Is.EqualTo(1), "the gap is marked once");
        Assert.That(after.Segments.Count, Is.GreaterThan(before.Segments.Count + 1));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(recording, before.Segments[0].Uri)), Is.EqualTo(firstSegment));
        Assert.That(await Ffprobe.DurationSecondsAsync(Path.Combine(work, "storage", "class-7", "index.m3u8")),
            Is.EqualTo(after.TotalDuration.TotalSeconds).Within(1.0), "the VOD playlist plays straight through");
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
    }

    [Test]
    public async Task FFmpeg_dies_with_the_daemon_even_when_the_daemon_is_SIGKILLed()
    {
        var key = NewStreamKey();
        var settings = EncoderDaemon.Settings("class-3", Camera.Url, Ingest.UrlFor(key), Path.Combine(Work, "killed"));

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => ProcessTable.Children(daemon.Pid, "ffmpeg").Count == 3, TimeSpan.FromSeconds(10),
            "the recorder, the egress and the content watch are the daemon's direct children (setpriv and setsid exec in place)", () => daemon.Output);
        var ffmpeg = ProcessTable.Children(daemon.Pid, "ffmpeg");

        daemon.Signal(Signals.SigKill);
        await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => !ffmpeg.Any(Signals.IsAlive), TimeSpan.FromSeconds(5), "every FFmpeg died with its SIGKILLed parent");
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
    }

    [Test]
    public async Task An_unreachable_camera_is_reported_once_and_retried_with_growing_delays_without_crashing()
    {
        var key = NewStreamKey();
        var work = Path.Combine(Work, "unreachable");
        var deadCamera = $"rtsp://{TestCamera.User}:{TestCamera.Password}@127.0.0.1:{FreePort.Next()}/camera";
        var settings = EncoderDaemon.Settings("class-4", deadCamera, Ingest.UrlFor(key), work);

        await using var daemon = EncoderDaemon.Start(settings);
        await daemon.WaitForLineAsync("Starting recorder run 1", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.That(daemon.HasExited, Is.False, "the daemon must keep trying, not exit");
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.Zero, daemon.Output);

        var log = daemon.Output;
        var warnings = log.Split('\n').Where(l => l.Contains("[WRN]", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), log);
        Assert.That(warnings[0], Does.Contain("Connection refused").And.Match(@"Restarting in 0\.[4-6]s"));

        // Delays of about 0.5, 1, 2, 4 s: five attempts in ~8 s, not a crash loop.
        var runs = Directory.GetFiles(Path.Combine(work, "recordings", "class-4", "logs"), "ffmpeg-recorder-*.log");
        Assert.That(runs, Has.Length.InRange(4, 6));
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
        AssertNoSecretsIn(work, log, key);
    }

    [Test]
    public async Task A_missing_camera_url_stops_the_daemon_at_start_with_one_line_naming_the_key()
    {
        var work = Path.Combine(Work, "bad-config");
        var settings = EncoderDaemon.Settings("class-5", "", Ingest.UrlFor(NewStreamKey()), work);
        settings.Remove("Camera:Url");

        await using var daemon = EncoderDaemon.Start(settings);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(daemon.Output.Trim(), Is.EqualTo("encoder: configuration error: Encoder:Camera:Url: is required (an rtsp:// or rtsps:// URL)"));
        Assert.That(Directory.Exists(work), Is.False, "nothing may start before the configuration is valid");
    }

    internal static void AssertNoSecretsIn(string directory, string daemonOutput, string streamKey)
    {
        Assert.That(daemonOutput, Does.Not.Contain(TestCamera.Password).And.Not.Contain(streamKey));
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".m3u8", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.That(text, Does.Not.Contain(TestCamera.Password).And.Not.Contain(streamKey), file);
        }
    }

    [GeneratedRegex(@"([0-9]+\.[0-9])s recorded in all runs")]
    private static partial Regex RecordedSeconds();
}
