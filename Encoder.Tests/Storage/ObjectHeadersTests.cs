using Encoder.Recording;
using System.Text;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>
/// The headers each object of a class goes up with, as the upload plan chooses them: only the media may be cached by a
/// CDN; the logs and <c>session.json</c> are private.
/// </summary>
public sealed class ObjectHeadersTests
{
    private const string Live = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6.0,\nseg_00000.ts\n";

    [TestCase(false, "yoga/seg_00000.ts", "video/mp2t", "public, max-age=31536000, immutable", TestName = "A segment is public and immutable")]
    [TestCase(false, "yoga/index.m3u8", "application/vnd.apple.mpegurl", "no-cache", TestName = "The live playlist is revalidated on every request")]
    [TestCase(true, "yoga/index.m3u8", "application/vnd.apple.mpegurl", "public, max-age=300", TestName = "The final VOD playlist is cached for five minutes")]
    [TestCase(true, "yoga/logs/encoder.log", "text/plain; charset=utf-8", "no-cache, private", TestName = "The daemon log is private")]
    [TestCase(true, "yoga/logs/ffmpeg-recorder-run001.log", "text/plain; charset=utf-8", "no-cache, private", TestName = "An FFmpeg log is private")]
    [TestCase(true, "yoga/session.json", "application/json", "no-cache, private", TestName = "session.json is private")]
    public void Each_object_goes_up_with_the_headers_of_its_kind(bool final, string key, string contentType, string cacheControl)
    {
        var item = Plan(final).Items.Single(i => i.Key == key);

        Assert.That((item.Headers.ContentType, item.Headers.CacheControl), Is.EqualTo((contentType, cacheControl)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Nothing_but_the_media_is_ever_public(bool final)
    {
        var items = Plan(final).Items;

        Assert.That(items.Where(i => !i.Key.EndsWith(".ts", StringComparison.Ordinal) && !i.Key.EndsWith(".m3u8", StringComparison.Ordinal))
            .Select(i => i.Headers.CacheControl), Is.All.EqualTo("no-cache, private"));
        Assert.That(items, Has.Count.GreaterThan(final ? 4 : 1), "the plan must hold every kind of object for this test to mean anything");
    }

    private static UploadPlan Plan(bool final) =>
        UploadPlan.For("yoga",
            new RecordingSnapshot("/rec/yoga", Live, new HashSet<string> { "seg_00000.ts", StorageKeys.PlaylistName }.Contains,
                [new("encoder.log", "/logs/encoder.log", new string('1', 32)), new("ffmpeg-recorder-run001.log", "/logs/ffmpeg-recorder-run001.log", new string('2', 32))],
                Encoding.UTF8.GetBytes("{}")),
            new JournalState(), new SegmentLedger(TimeProvider.System), final, key => "s3://studio/" + key);
}
