using Encoder.Recording;

namespace Encoder.Tests.Recording;

public sealed class HlsPlaylistTests
{
    private const string Restarted = """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:6
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PLAYLIST-TYPE:EVENT
        #EXTINF:6.000000,
        seg_00000.ts
        #EXTINF:5.966667,
        seg_00001.ts
        #EXT-X-DISCONTINUITY
        #EXTINF:6.000000,
        seg_00002.ts
        #EXT-X-ENDLIST

        """;

    [Test]
    public void Lists_segments_in_order_with_durations_and_discontinuities()
    {
        var playlist = HlsPlaylist.Parse(Restarted);

        Assert.That(playlist.Segments, Is.EqualTo(new[]
        {
            new HlsSegment("seg_00000.ts", TimeSpan.FromSeconds(6), false),
            new HlsSegment("seg_00001.ts", TimeSpan.FromSeconds(5.966667), false),
            new HlsSegment("seg_00002.ts", TimeSpan.FromSeconds(6), true),
        }));
        Assert.That(playlist.HasEndList, Is.True);
        Assert.That(playlist.TotalDuration.TotalSeconds, Is.EqualTo(17.966667).Within(1e-6));
    }

    [Test]
    public void A_live_playlist_has_no_end_and_a_partial_one_yields_what_is_complete()
    {
        var playlist = HlsPlaylist.Parse("#EXTM3U\r\n#EXTINF:6.0,\r\nseg_00000.ts\r\n#EXTINF:6.0,");

        Assert.That(playlist.Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts" }));
        Assert.That(playlist.HasEndList, Is.False);
    }
}
