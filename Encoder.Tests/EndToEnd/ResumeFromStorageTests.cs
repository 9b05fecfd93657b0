using System.Globalization;
using System.Text.Json;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The same class started again on a machine that lost its recording folder (an EC2 stop/start wipes the instance
/// store; the CMS launched the class again with the same session id): the daemon learns what storage already holds and
/// continues it. Run 1 records and is stopped (SIGTERM), its folder is removed, run 2 records to the class's end:
/// nothing run 1 stored is written again, the VOD plays run 1 then run 2, and <c>session.json</c> counts both runs.
/// Against moto enforcing IAM, the daemon holding only <c>iam/encoder-instance-policy.json</c>; and with the local folder store.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(7)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~40 s
[Category("Integration")]
public sealed class ResumeFromStorageTests : LiveClassFixture
{
    protected override bool WithMoto => true;

    private const string Prefix = "recordings/";
    private const string Bucket = "studio-resume";
    private AwsUser _instance = null!;

    [OneTimeSetUp]
    public async Task CreateTheBucketAndTheInstanceUser()
    {
        await Moto.CreateBucketAsync(Bucket);
        _instance = await Moto.CreateUserAsync("encoder-instance-resume", IamPolicies.Instance(Bucket, Prefix));
    }

    private Dictionary<string, string> S3Settings(string sessionId, string work)
    {
        var settings = EncoderDaemon.Settings(sessionId, Camera.Url, Ingest.UrlFor(NewStreamKey()), work);
        EncoderDaemon.StoreInS3(settings, Bucket, Moto.Url);
        settings["Storage:RequestTimeoutSeconds"] = "2";
        settings["Logging:Level"] = "Debug";
        return settings;
    }

    private static string LastLines(ChildProcess daemon) => string.Join('\n', daemon.Output.Split('\n').TakeLast(20));

    [Test]
    public async Task A_class_started_again_without_its_folder_continues_what_S3_holds_and_overwrites_nothing()
    {
        const string session = "resume-s3";
        var work = Path.Combine(Work, session);
        var settings = S3Settings(session, work);
        var folder = $"{Prefix}{session}/";
        var environment = Moto.EnvironmentFor(_instance);

        await using (var first = EncoderDaemon.Start(settings, environment))
        {
            await EncoderDaemon.UntilRecordingAsync(first, settings, TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(async () => (await Moto.ListAsync(Bucket, folder)).Count(o => o.Key.EndsWith(".ts", StringComparison.Ordinal)) >= 4,
                TimeSpan.FromSeconds(40), "run 1 stored 4 segments", () => LastLines(first));
            first.Signal(Signals.SigTerm);
            Assert.That(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, first.Output);
        }

        var run1 = (await Moto.ListAsync(Bucket, folder)).Where(o => o.Key.EndsWith(".ts", StringComparison.Ordinal)).ToDictionary(o => o.Key, o => o.ETag);
        var run1Playlist = HlsPlaylist.Parse(System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, $"{folder}index.m3u8")));
        Assert.That(run1Playlist.Segments.Select(s => folder + s.Uri), Is.EquivalentTo(run1.Keys), "run 1's VOD names what it stored");
        var requestsBeforeRun2 = Moto.Requests().Count;
        Directory.Delete(Path.Combine(work, "recordings"), recursive: true); // the instance store is gone

        settings["Session:EndsAt"] = DateTimeOffset.UtcNow.AddSeconds(25).ToString("O", CultureInfo.InvariantCulture);
        await using (var second = EncoderDaemon.Start(settings, environment))
        {
            await EncoderDaemon.UntilRecordingAsync(second, settings, TimeSpan.FromSeconds(30));
            Assert.That(await second.WaitForExitAsync(TimeSpan.FromSeconds(90)), Is.Zero, second.Output);
        }

        var stored = (await Moto.ListAsync(Bucket, folder)).ToDictionary(o => o.Key, o => o.ETag);
        Assert.That(run1.Select(kv => (kv.Key, stored.GetValueOrDefault(kv.Key))), Is.EqualTo(run1.Select(kv => (kv.Key, (string?)kv.Value))),
            "every object run 1 stored keeps its ETag");
        var rewritten = Moto.Requests().Skip(requestsBeforeRun2)
            .Where(r => r.Method == "PUT" && run1.ContainsKey(r.Path.TrimStart('/')[(Bucket.Length + 1)..].Split('?')[0]))
            .ToList();
        Assert.That(rewritten, Is.Empty, "run 2 sent no PUT for a key run 1 stored");

        var vod = HlsPlaylist.Parse(System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, $"{folder}index.m3u8")));
        Assert.That(vod.HasEndList, Is.True);
        Assert.That(vod.Segments.Take(run1Playlist.Segments.Count).Select(s => s.Uri), Is.EqualTo(run1Playlist.Segments.Select(s => s.Uri)), "run 1 first");
        Assert.That(vod.Segments.Count, Is.GreaterThan(run1Playlist.Segments.Count + 2), "then run 2");
        Assert.That(vod.Segments[run1Playlist.Segments.Count].DiscontinuityBefore, Is.True, "a discontinuity between the runs");
        Assert.That(vod.Segments.Select(s => s.Uri), Is.Unique.And.Ordered);
        Assert.That(vod.Segments.Select(s => folder + s.Uri), Is.SubsetOf(stored.Keys), "the VOD names only stored segments");

        var manifest = JsonDocument.Parse(await Moto.GetAsync(Bucket, $"{folder}session.json")).RootElement;
        Assert.That(manifest.GetProperty("runs").GetArrayLength(), Is.EqualTo(2), manifest.ToString());
        Assert.That(manifest.GetProperty("segmentCount").GetInt32(), Is.EqualTo(vod.Segments.Count));
    }
}
