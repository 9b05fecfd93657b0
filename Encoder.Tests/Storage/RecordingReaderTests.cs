using Encoder.Storage;

namespace Encoder.Tests.Storage;

public sealed class RecordingReaderTests : UploaderFixture
{
    private RecordingReader Reader() => Reader(Journal());

    [Test]
    public async Task Reads_and_parses_the_playlist_again_only_after_it_changed()
    {
        var reader = Reader();
        var none = await reader.ReadAsync(final: false, CancellationToken.None);
        Record(segments: 2);
        var first = await reader.ReadAsync(final: false, CancellationToken.None);
        var same = await reader.ReadAsync(final: false, CancellationToken.None);
        Record(segments: 3);
        var changed = await reader.ReadAsync(final: false, CancellationToken.None);

        Assert.That((none.PlaylistText, none.PlaylistVersion, none.Playlist.Segments.Count), Is.EqualTo(((string?)null, 0L, 0)));
        Assert.That(first.Playlist.Segments, Has.Count.EqualTo(2));
        Assert.That(same.PlaylistVersion, Is.EqualTo(first.PlaylistVersion));
        Assert.That(same.Parsed, Is.SameAs(first.Parsed), "an unchanged playlist is not parsed again");
        Assert.That(changed.PlaylistVersion, Is.GreaterThan(first.PlaylistVersion));
        Assert.That(changed.Playlist.Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts", "seg_00002.ts" }));
    }

    [Test]
    public async Task Looks_a_segment_up_on_disk_when_asked_so_one_removed_since_is_seen_gone()
    {
        var reader = Reader();
        Record(segments: 2);
        var snapshot = await reader.ReadAsync(final: false, CancellationToken.None);
        File.Delete(Path.Combine(Layout.SessionDirectory, "seg_00001.ts"));

        Assert.That(snapshot.HasFile("seg_00000.ts"), Is.True);
        Assert.That(snapshot.HasFile("seg_00001.ts"), Is.False);
        Assert.That(snapshot.HasFile("seg_00009.ts"), Is.False);
    }
}
