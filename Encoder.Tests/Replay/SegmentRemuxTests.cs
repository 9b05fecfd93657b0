using System.Globalization;
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
        var (mp4, vod) = await TwoRunMp4Async();

        var top = Mp4Boxes.TopLevel(await File.ReadAllBytesAsync(mp4)).Select(b => b.Type).ToList();
        Assert.That(top, Is.EqualTo(new[] { "ftyp", "moov", "free", "mdat" }));
        Assert.That(await Ffprobe.DurationSecondsAsync(mp4), Is.EqualTo(vod.TotalSeconds).Within(1.5));
        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-xerror", "-i", mp4, "-f", "null", "-"]);
        Assert.That(decode.ExitCode, Is.Zero, decode.Output);
        Assert.That(decode.Output.Trim(), Is.Empty);
    }

    [Test]
    public async Task A_browsers_video_element_loads_the_MP4_and_seeks_near_its_end_by_a_range_request_without_reading_it_all()
    {
        var (mp4, vod) = await TwoRunMp4Async();
        await using var page = await BrowserPage.ServeAsync(Path.Combine(_root, "cdn"));
        File.Copy(mp4, Path.Combine(page.Root, "recording.mp4"));
        await File.WriteAllTextAsync(Path.Combine(page.Root, "index.html"), """
            <!doctype html>
            <video id="v" src="recording.mp4" preload="metadata" muted></video>
            <script>
            const v = document.getElementById('v');
            const report = what => fetch('/report?' + what + '&d=' + v.duration + '&t=' + v.currentTime);
            v.addEventListener('loadedmetadata', () => { report('loaded'); v.currentTime = v.duration - 1; });
            v.addEventListener('seeked', () => report('seeked&w=' + v.videoWidth + '&s=' + v.readyState));
            v.addEventListener('error', () => report('error&c=' + (v.error && v.error.code)));
            </script>
            """);

        page.Open("index.html");

        var seeked = await Poll.ForAsync(() => page.Requests().FirstOrDefault(r => r.StartsWith("/report?seeked", StringComparison.Ordinal)
            || r.StartsWith("/report?error", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the page reported its video seeked");
        var fields = seeked.Split(' ')[0].Split('?')[1].Split('&').Where(f => f.Contains('=')).ToDictionary(f => f.Split('=')[0], f => f.Split('=')[1]);
        Assert.That(seeked, Does.StartWith("/report?seeked"), string.Join('\n', page.Requests()));
        Assert.That(double.Parse(fields["d"], CultureInfo.InvariantCulture), Is.EqualTo(vod.TotalSeconds).Within(1.5), "the browser's duration");
        Assert.That(double.Parse(fields["t"], CultureInfo.InvariantCulture), Is.GreaterThan(vod.TotalSeconds - 2.5));
        Assert.That(fields["w"], Is.EqualTo("640"), "a picture was decoded where it seeked");
        var size = new FileInfo(mp4).Length;
        var ranges = page.Requests().Where(r => r.StartsWith("/recording.mp4", StringComparison.Ordinal)).Select(r => r.Split('"')[1]).ToList();
        Assert.That(ranges, Has.Some.Matches<string>(r => r.StartsWith("bytes=", StringComparison.Ordinal) && r[6..].Split('-')[0] is { Length: > 0 } from
            && long.Parse(from, CultureInfo.InvariantCulture) > size / 2), "a range request far into the file: it seeks without reading what lies before");
    }

    /// <summary>Two recorder runs (a camera gap between them: the second's timestamps start again), B-frames in both, made into one MP4 as the replay makes it.</summary>
    private async Task<(string Mp4, TimeSpan Vod)> TwoRunMp4Async()
    {
        var options = new EncoderOptions { SessionId = "yoga", Recording = new RecordingOptions { Directory = _root } };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
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
            var (parsed, file, problem) = await remux.RemuxAsync(segment.Uri, CancellationToken.None);
            Assert.That(problem, Is.Null);
            Assert.That(timeline.Add(parsed!, timeline.End, segment.Duration), Is.Null);
            media.Write(file, (int)parsed!.MediaStart, (int)parsed.MediaLength);
            vod += segment.Duration;
        }

        var mp4 = Path.Combine(_root, "replay.mp4");
        await File.WriteAllBytesAsync(mp4, [.. MovieHeader.Build(timeline, 5 * 1024 * 1024), .. media.ToArray()]);
        return (mp4, vod);
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
