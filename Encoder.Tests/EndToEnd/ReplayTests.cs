using System.Text.Json;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The replay of a real class: the daemon records the test camera (6 Mbit/s, so media parts go up during the class), the
/// camera goes away and comes back (a gap: <c>#EXT-X-DISCONTINUITY</c>), and the class ends with SIGTERM. Storage is moto
/// enforcing IAM, the daemon holding only <c>iam/encoder-instance-policy.json</c>; segments are deleted once stored (the s3 default).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Integration")]
public sealed class ReplayTests : LiveClassFixture
{
    private const string Bucket = "studio-replays";
    private const string Prefix = "recordings/";

    protected override bool WithMoto => true;

    protected override int CameraBitrateKbps => 6000;

    [Test]
    public async Task A_class_with_a_camera_gap_ends_with_a_faststart_MP4_as_long_as_its_VOD_listed_in_session_json()
    {
        await Moto.CreateBucketAsync(Bucket);
        var instance = await Moto.CreateUserAsync("encoder-replay", IamPolicies.Instance(Bucket, Prefix));
        var settings = EncoderDaemon.Settings("replay-class", Camera.Url, Ingest.UrlFor(NewStreamKey()), Work);
        settings.Remove("Storage:Directory");
        settings["Storage:Kind"] = "s3";
        settings["Storage:Bucket"] = Bucket;
        settings["Storage:ServiceUrl"] = Moto.Url;
        settings["Replay:Enabled"] = "true";
        var session = Path.Combine(Work, "recordings", "replay-class");
        string log;
        await using (var daemon = EncoderDaemon.Start(settings, Moto.EnvironmentFor(instance)))
        {
            await Poll.UntilAsync(() => Segments(session).Count >= 4, TimeSpan.FromSeconds(40), "four segments were recorded", () => daemon.Output);
            await Camera.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(4)); // the camera is away: the recorder loses it
            await Camera.RestartAsync();
            await Poll.UntilAsync(() => Segments(session) is { Count: >= 8 } s && s.Skip(4).Any(x => x.DiscontinuityBefore), TimeSpan.FromSeconds(60),
                "the recording went on after the gap", () => daemon.Output);
            daemon.Signal(Signals.SigTerm);
            Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);
            log = daemon.Output;
        }

        using var manifest = JsonDocument.Parse(await Moto.GetAsync(Bucket, $"{Prefix}replay-class/session.json"));
        var vodSeconds = manifest.RootElement.GetProperty("durationSeconds").GetDouble();
        var mp4 = manifest.RootElement.GetProperty("replay").GetProperty("mp4");
        Assert.That(mp4.GetProperty("key").GetString(), Is.EqualTo($"{Prefix}replay-class/replay/recording.mp4"), log);
        Assert.That(mp4.GetProperty("contentType").GetString(), Is.EqualTo("video/mp4"));
        var file = Path.Combine(Work, "replay.mp4");
        var bytes = await Moto.GetAsync(Bucket, mp4.GetProperty("key").GetString()!);
        await File.WriteAllBytesAsync(file, bytes);
        Assert.That(mp4.GetProperty("size").GetInt64(), Is.EqualTo(bytes.Length));
        Assert.That(Mp4Boxes.TopLevel(bytes).Select(b => b.Type), Is.EqualTo(new[] { "ftyp", "moov", "free", "mdat" }), "the index before the media");
        Assert.That(await Ffprobe.DurationSecondsAsync(file), Is.EqualTo(vodSeconds).Within(1.5));
        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-xerror", "-i", file, "-map", "0:v", "-f", "null", "-"]);
        Assert.That(decode.ExitCode, Is.Zero, decode.Output);
        Assert.That(log, Does.Match("The replay .* is stored: .* [3-9] parts|The replay .* is stored: .* [1-9][0-9]+ parts"), "media parts went up during the class");
        Assert.That(Directory.GetFiles(session, "seg_*.ts"), Is.Empty, "every segment was deleted once stored and taken into the replay");
    }

    private static IReadOnlyList<HlsSegment> Segments(string session)
    {
        try
        {
            return HlsPlaylist.Parse(File.ReadAllText(Path.Combine(session, RecordingLayout.PlaylistFileName))).Segments;
        }
        catch (IOException)
        {
            return [];
        }
    }
}
