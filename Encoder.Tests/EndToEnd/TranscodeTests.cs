using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>The real daemon transcoding the real test camera (libx264): apart from <see cref="StreamingTests"/>, which overlap other fixtures.</summary>
[TestFixture]
[NonParallelizable] // alone: a transcode burns CPU, and its segment boundaries are asserted to the frame
[Category("Integration")]
public sealed class TranscodeTests : LiveClassFixture
{
    [Test]
    public async Task Transcodes_with_keyframes_on_segment_boundaries_and_stops_cleanly_on_SIGTERM()
    {
        var key = NewStreamKey();
        var work = Path.Combine(Work, "transcode");
        var settings = EncoderDaemon.Settings("class-2", Camera.Url, Ingest.UrlFor(key), work);
        settings["Video:Mode"] = "transcode";
        settings["Video:Preset"] = "ultrafast";
        settings["Video:BitrateKbps"] = "800";

        await using var daemon = EncoderDaemon.Start(settings);
        await StreamThenStopWithSigtermAsync(daemon, settings, TimeSpan.FromSeconds(7));

        var received = Ingest.RecordingsFor(key);
        Assert.That(received, Is.Not.Empty);
        Assert.That(await Ffprobe.ShowAsync(received[0], "stream=codec_name"), Does.Contain("codec_name=h264"));

        var playlist = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "storage", "class-2", "index.m3u8")));
        Assert.That(playlist.HasEndList, Is.True);
        Assert.That(playlist.Segments, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(playlist.Segments.SkipLast(1).Select(s => s.Duration.TotalSeconds), Is.All.EqualTo(2.0).Within(0.05),
            "segments should be cut exactly at the forced keyframes");
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
        StreamingTests.AssertNoSecretsIn(work, daemon.Output, key);
    }

    /// <summary>Waits until FFmpeg streams, lets it stream for <paramref name="streaming"/>, then stops the daemon as systemd would.</summary>
    private static async Task StreamThenStopWithSigtermAsync(ChildProcess daemon, Dictionary<string, string> settings, TimeSpan streaming)
    {
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await Task.Delay(streaming);
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
    }
}
