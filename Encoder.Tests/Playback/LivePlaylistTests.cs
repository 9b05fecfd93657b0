using Encoder.Playback;

namespace Encoder.Tests.Playback;

public sealed class LivePlaylistTests
{
    [Test]
    public void A_media_playlist_gives_its_newest_segment_by_number_and_uri_and_its_target_duration()
    {
        var playlist = LivePlaylist.Parse("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:41\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\nk-41.ts\n#EXTINF:2.000,\nk-42.ts\n")!;

        Assert.That((playlist.IsMaster, playlist.Position, playlist.TargetDuration, playlist.Media.HasEndList),
            Is.EqualTo((false, new PlaylistPosition(42, "k-42.ts"), TimeSpan.FromSeconds(2), false)));
    }

    [Test]
    public void A_master_playlist_names_its_first_variant()
    {
        var playlist = LivePlaylist.Parse("#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=4500000,RESOLUTION=1920x1080\r\nhd/index.m3u8?t=1\r\n#EXT-X-STREAM-INF:BANDWIDTH=800000\r\nsd/index.m3u8\r\n")!;

        Assert.That((playlist.IsMaster, playlist.FirstVariant, playlist.Position), Is.EqualTo((true, "hd/index.m3u8?t=1", (PlaylistPosition?)null)));
    }

    [Test]
    public void Without_a_media_sequence_tag_numbers_start_at_zero_and_an_empty_playlist_has_no_position()
    {
        Assert.That(LivePlaylist.Parse("#EXTM3U\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n#EXT-X-ENDLIST\n")!.Position, Is.EqualTo(new PlaylistPosition(1, "b.ts")));
        Assert.That(LivePlaylist.Parse("#EXTM3U\n#EXT-X-TARGETDURATION:6\n")!.Position, Is.Null);
    }

    [TestCase("")]
    [TestCase("<html>404 Not Found</html>")]
    public void Anything_else_is_not_a_playlist(string text)
    {
        Assert.That(LivePlaylist.Parse(text), Is.Null);
    }
}
