using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Storage;

public sealed class PlaylistChangesTests : UploaderFixture
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    [Test]
    public async Task Tells_of_a_playlist_renamed_in_as_FFmpeg_writes_it()
    {
        using var changes = new PlaylistChanges(Layout, NullLogger<PlaylistChanges>.Instance);
        Assert.That(changes.Watching, Is.True);
        var next = changes.Next;

        Record(segments: 1, asFfmpeg: true);

        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(changes.Next.IsCompleted, Is.False, "a new wait starts after each change");
    }

    [Test]
    public async Task A_new_segment_is_stored_when_its_playlist_lands_not_after_the_fallback()
    {
        var store = new LocalFolderStore(Options.Storage.Directory);
        using var changes = new PlaylistChanges(Layout, NullLogger<PlaylistChanges>.Instance, fallback: Never);
        using var uploader = Uploader(store, playlistChanges: changes);
        var stored = Path.Combine(Options.Storage.Directory, "class-9");
        Record(segments: 1, asFfmpeg: true);
        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => File.Exists(Path.Combine(stored, "seg_00000.ts")));

        Record(segments: 2, asFfmpeg: true);

        // With an hour's fallback, only the rename's event can start the pass that stores it.
        await Eventually(() => File.Exists(Path.Combine(stored, "seg_00001.ts")));
        await uploader.StopAsync(CancellationToken.None);
    }
}
