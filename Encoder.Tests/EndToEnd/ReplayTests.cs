using System.Text.Json;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The replay of a real class: the daemon records the test camera (6 Mbit/s, so media parts go up during the class), the
/// camera goes away and comes back (a gap: <c>#EXT-X-DISCONTINUITY</c>), and the class ends with SIGTERM. Storage is moto
/// enforcing IAM, the daemon holding only <c>iam/encoder-instance-policy.json</c>; segments are deleted once stored (the s3 default).
/// The same class has the replay's pictures: the poster (looked for from 2 s of the VOD) is stored and shown in status.json while
/// the class is live; the storyboard (a tile a second) is finished at its end.
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
        EncoderDaemon.StoreInS3(settings, Bucket, Moto.Url);
        settings["Replay:Enabled"] = "true";
        settings["Replay:PosterAtSeconds"] = "2";
        settings["Replay:PosterWindowSeconds"] = "2";
        settings["Replay:StoryboardSeconds"] = "1";
        var status = EncoderDaemon.Status(settings);
        string? livePosterKey = null;
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
            await Poll.UntilAsync(() => (livePosterKey = PosterKey(status)) is not null, TimeSpan.FromSeconds(20), "status.json shows the poster while live", () => daemon.Output);
            Assert.That(livePosterKey, Is.EqualTo($"{Prefix}replay-class/replay/poster.jpg"));
            Assert.That(await Moto.GetAsync(Bucket, livePosterKey!), Is.Not.Empty, "the poster is stored before the class ends");
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

        var replay = manifest.RootElement.GetProperty("replay");
        var poster = replay.GetProperty("poster");
        Assert.That(poster.GetProperty("key").GetString(), Is.EqualTo(livePosterKey), replay.ToString());
        Assert.That((poster.GetProperty("width").GetInt32(), poster.GetProperty("height").GetInt32()), Is.EqualTo((640, 360)), "the camera's own size");
        var posterFile = Path.Combine(Work, "poster.jpg");
        await File.WriteAllBytesAsync(posterFile, await Moto.GetAsync(Bucket, livePosterKey!));
        Assert.That(await Ffprobe.ShowAsync(posterFile, "stream=width,height"), Does.Contain("width=640|height=360"));
        Assert.That(await ReplayPictureChecks.MeanLumaAsync(posterFile), Is.GreaterThan(40), "not black");
        Assert.That(await ContentTypeAsync(livePosterKey!), Is.EqualTo("image/jpeg"));

        var storyboard = replay.GetProperty("storyboard");
        var vttKey = storyboard.GetProperty("vtt").GetProperty("key").GetString()!;
        Assert.That(vttKey, Is.EqualTo($"{Prefix}replay-class/replay/storyboard.vtt"));
        Assert.That(await ContentTypeAsync(vttKey), Is.EqualTo("text/vtt; charset=utf-8"));
        var sprites = new Dictionary<string, Encoder.Replay.PictureSize?>(StringComparer.Ordinal);
        foreach (var sprite in storyboard.GetProperty("sprites").EnumerateArray())
        {
            var key = sprite.GetProperty("key").GetString()!;
            var jpeg = await Moto.GetAsync(Bucket, key);
            Assert.That(sprite.GetProperty("size").GetInt64(), Is.EqualTo(jpeg.Length));
            sprites[key[(key.LastIndexOf('/') + 1)..]] = Encoder.Replay.KeyframePictures.JpegSize(jpeg);
        }

        Assert.That(sprites.Keys, Is.EqualTo(new[] { "sprite-0.jpg" }), "a class under 100 s fills one sheet");
        var vtt = System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, vttKey));
        ReplayPictureChecks.AssertCovers(vtt, vodSeconds, 0.01, name => sprites.GetValueOrDefault(name));
    }

    private static string? PosterKey(StatusFile status) =>
        status.Read() is { } root && root.TryGetProperty("replay", out var replay) && replay.TryGetProperty("poster", out var poster)
            ? poster.GetProperty("key").GetString() : null;

    private async Task<string> ContentTypeAsync(string key)
    {
        using var s3 = ((IS3TestStore)Moto).AdminClient();
        return (await s3.GetObjectMetadataAsync(Bucket, key)).Headers.ContentType;
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
