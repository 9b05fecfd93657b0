using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Replay;

/// <summary>The replay's pieces against the real FFmpeg: HLS segments of two recorder runs (a camera gap between them) made into one MP4.</summary>
[TestFixture]
[Category("Integration")]
public sealed class SegmentRemuxTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("encoder-replay-").FullName;

    [TearDown]
    public void TearDown() { if (Environment.GetEnvironmentVariable("KEEP") is null) Directory.Delete(_root, recursive: true); }

    [Test]
    public async Task Segments_of_two_recorder_runs_make_one_faststart_MP4_as_long_as_the_VOD()
    {
        var options = new EncoderOptions { SessionId = "yoga", Recording = new RecordingOptions { Directory = _root } };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
        // Two runs, the second's timestamps starting again (as after a camera gap); B-frames in both.
        await RecordAsync(layout.SessionDirectory, 0, 7, "libx264 -preset veryfast -bf 2");
        await RecordAsync(layout.SessionDirectory, 10, 5, "libx264 -preset veryfast -bf 2");
        var segments = (await File.ReadAllTextAsync(Path.Combine(layout.SessionDirectory, "run0.m3u8")) + await File.ReadAllTextAsync(Path.Combine(layout.SessionDirectory, "run10.m3u8")))
            .Split("#EXTM3U").SelectMany(text => HlsPlaylist.Parse(text).Segments).ToList();
        var remux = new SegmentRemux(options, layout, new LocalMediaTools(new ChildProcessThread()));
        var timeline = new ReplayTimeline();
        var media = new MemoryStream();
        var vod = TimeSpan.Zero;
        foreach (var segment in segments)
        {
            var duration = segment.Duration;
            var (parsed, file, problem) = await remux.RemuxAsync(segment.Uri, CancellationToken.None);
            Assert.That(problem, Is.Null);
            Assert.That(timeline.Add(parsed!, timeline.End, duration), Is.Null);
            media.Write(file, (int)parsed!.MediaStart, (int)parsed.MediaLength);
            vod += duration;
        }

        var mp4 = Path.Combine(_root, "replay.mp4");
        var header = MovieHeader.Build(timeline, 5 * 1024 * 1024);
        await File.WriteAllBytesAsync(mp4, [.. header, .. media.ToArray()]);

        var top = Mp4Boxes.TopLevel(await File.ReadAllBytesAsync(mp4)).Select(b => b.Type).ToList();
        Assert.That(top, Is.EqualTo(new[] { "ftyp", "moov", "free", "mdat" }));
        Assert.That(await Ffprobe.DurationSecondsAsync(mp4), Is.EqualTo(vod.TotalSeconds).Within(1.5));
        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-xerror", "-i", mp4, "-f", "null", "-"]);
        Assert.That(decode.ExitCode, Is.Zero, decode.Output);
        Assert.That(decode.Output.Trim(), Is.Empty);
    }

    private static async Task RecordAsync(string directory, int startNumber, int seconds, string video)
    {
        var result = await Tool.RunAsync("ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. ("-c:v " + video + " -g 60 -pix_fmt yuv420p").Split(' '),
            "-c:a", "aac", "-ac", "2", "-f", "hls", "-hls_time", "2", "-start_number", startNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-hls_segment_filename", "seg_%05d.ts", "-hls_list_size", "0", $"run{startNumber}.m3u8"], workingDirectory: directory);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }
}
