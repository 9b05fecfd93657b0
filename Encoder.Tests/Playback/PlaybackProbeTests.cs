using System.Net;
using Encoder.Playback;
using static Encoder.Playback.PlaybackLook;

namespace Encoder.Tests.Playback;

/// <summary>One look over HTTP, against a stub CDN (the probe's one seam, its HTTP handler): what it asks and what it makes of the answers.</summary>
public sealed class PlaybackProbeTests
{
    private static readonly Uri Live = new("https://cdn.example.com/live/index.m3u8?token=abc");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static string Media(long sequence, int count = 3) =>
        $"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n#EXT-X-TARGETDURATION:2\n"
        + string.Concat(Enumerable.Range(0, count).Select(i => $"#EXTINF:2.000,\nseg-{sequence + i}.ts\n"));

    [Test]
    public async Task A_media_playlist_is_read_and_its_newest_segment_fetched_by_its_first_kilobyte_once()
    {
        var cdn = new StubCdn { [Live.AbsoluteUri] = _ => StubCdn.Playlist(Media(10)) };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, Timeout);

        var first = await probe.LookAsync(CancellationToken.None);
        var second = await probe.LookAsync(CancellationToken.None);

        Assert.That(first, Is.EqualTo(new Playlist(new PlaylistPosition(12, "seg-12.ts"), 10, TimeSpan.FromSeconds(2), false, null)));
        Assert.That(second, Is.EqualTo(first));
        var segmentRequests = cdn.Requests.Where(r => r.Url.EndsWith("seg-12.ts", StringComparison.Ordinal)).ToList();
        Assert.That(segmentRequests.Select(r => r.Range), Is.EqualTo(new[] { "bytes=0-1023" }), "one ranged GET per new newest segment, resolved against the playlist");
        Assert.That(segmentRequests[0].Url, Is.EqualTo("https://cdn.example.com/live/seg-12.ts"));
    }

    [Test]
    public async Task The_playlist_is_asked_for_conditionally_and_a_304_is_the_playlist_read_before()
    {
        var cdn = new StubCdn { [Live.AbsoluteUri] = request => request.Headers.IfNoneMatch.Count > 0 ? new HttpResponseMessage(HttpStatusCode.NotModified) : StubCdn.Playlist(Media(10)) };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, Timeout);

        var first = await probe.LookAsync(CancellationToken.None);
        var second = await probe.LookAsync(CancellationToken.None);

        var asked = cdn.Requests.Where(r => r.Url == Live.AbsoluteUri).ToList();
        Assert.That(asked.Select(r => (r.IfNoneMatch, r.IfModifiedSince)), Is.EqualTo(new (string?, bool)[] { (null, false), ("\"v1\"", true) }));
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task A_master_playlist_is_followed_one_hop_to_its_first_variant()
    {
        var cdn = new StubCdn
        {
            [Live.AbsoluteUri] = _ => StubCdn.Playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=4500000\nhd/media.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nsd/media.m3u8\n"),
            ["https://cdn.example.com/live/hd/media.m3u8"] = _ => StubCdn.Playlist(Media(5)),
        };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, Timeout);

        var look = await probe.LookAsync(CancellationToken.None);

        Assert.That(look, Is.EqualTo(new Playlist(new PlaylistPosition(7, "seg-7.ts"), 5, TimeSpan.FromSeconds(2), false, null)));
        Assert.That(cdn.Requests.Last().Url, Is.EqualTo("https://cdn.example.com/live/hd/seg-7.ts"));
    }

    [Test]
    public async Task A_404_a_timeout_and_a_page_that_is_not_a_playlist_are_unreachable_in_words_without_the_url()
    {
        var answer = (Func<HttpRequestMessage, HttpResponseMessage>)(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var cdn = new StubCdn { [Live.AbsoluteUri] = request => answer(request) };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, TimeSpan.FromMilliseconds(200));

        var notFound = await probe.LookAsync(CancellationToken.None);
        answer = _ => StubCdn.Playlist("<html>hello</html>");
        var notPlaylist = await probe.LookAsync(CancellationToken.None);
        cdn.Hang = true;
        var timedOut = await probe.LookAsync(CancellationToken.None);

        Assert.That(new[] { notFound, notPlaylist, timedOut }, Is.EqualTo(new PlaybackLook[]
        {
            new Unreachable("playlist: HTTP 404 Not Found"),
            new Unreachable("playlist: not an HLS playlist (no #EXTM3U)"),
            new Unreachable("playlist: no answer within 0.2s"),
        }));
    }

    [Test]
    public async Task A_newest_segment_that_does_not_download_is_said_and_tried_again_at_the_next_look()
    {
        var served = false;
        var cdn = new StubCdn
        {
            [Live.AbsoluteUri] = _ => StubCdn.Playlist(Media(10)),
            ["https://cdn.example.com/live/seg-12.ts"] = _ => served ? StubCdn.Segment() : new HttpResponseMessage(HttpStatusCode.Forbidden),
        };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, Timeout);

        var refused = (Playlist)await probe.LookAsync(CancellationToken.None);
        served = true;
        var fetched = (Playlist)await probe.LookAsync(CancellationToken.None);

        Assert.That((refused.SegmentProblem, fetched.SegmentProblem), Is.EqualTo(("HTTP 403 Forbidden", (string?)null)));
    }

    [Test]
    public async Task The_daemon_stopping_is_not_a_problem_it_ends_the_look()
    {
        var cdn = new StubCdn { Hang = true };
        var probe = new PlaybackProbe(new HttpClient(cdn), Live, TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.That(async () => await probe.LookAsync(stop.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
