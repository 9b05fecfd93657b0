using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>
/// What the upload loop costs between segments (it looks twice a second): the same whether the class is a minute or
/// hours old. Measured as what a quiet pass allocates, which counts every read, parse, plan and lookup it would do.
/// </summary>
public sealed class QuietPassTests : UploaderFixture
{
    [Test]
    public async Task A_quiet_pass_costs_the_same_late_in_a_long_class_as_early_in_a_short_one()
    {
        var early = await QuietPassBytesAsync(segments: 10);
        var late = await QuietPassBytesAsync(segments: 2_000);

        await TestContext.Out.WriteLineAsync($"a quiet pass allocates {early} bytes with 10 segments, {late} with 2000");
        Assert.That(late, Is.LessThanOrEqualTo(early + 512), "a quiet pass does work that grows with the class");
    }

    [Test]
    public async Task A_new_segment_after_quiet_passes_is_stored_with_the_playlist_that_names_it()
    {
        var store = new CountingStore(new LocalFolderStore(Options.Storage.Directory));
        using var journal = Journal();
        journal.Open();
        var pass = Pass(store, journal);
        Record(segments: 2);
        Assert.That((await pass.RunAsync(final: false, CancellationToken.None)).Stored, Is.True);
        for (var i = 0; i < 3; i++)
            await pass.RunAsync(final: false, CancellationToken.None);
        Assert.That(store.Puts, Has.Count.EqualTo(3), "quiet passes store nothing");

        Record(segments: 3);
        var result = await pass.RunAsync(final: false, CancellationToken.None);

        Assert.That(result.Stored, Is.True);
        Assert.That(store.Puts.Skip(3), Is.EqualTo(new[] { "class-9/seg_00002.ts", "class-9/index.m3u8" }));
    }

    /// <summary>A recording of <paramref name="segments"/> segments, all stored per the journal: bytes one quiet pass allocates.</summary>
    private async Task<long> QuietPassBytesAsync(int segments)
    {
        var store = new LocalFolderStore(Options.Storage.Directory);
        Record(segments);
        var journalPath = Path.Combine(Layout.SessionDirectory, UploadJournal.FileName);
        File.Delete(journalPath);
        await File.WriteAllLinesAsync(journalPath, Enumerable.Range(0, segments).Select(i =>
            JournalState.StoredLine(DateTimeOffset.UtcNow, store.Describe(StorageKeys.For(Options.SessionId, $"seg_{i:D5}.ts")), new string('0', 32), 4)));
        using var journal = Journal();
        journal.Open();
        var pass = Pass(store, journal);
        Assert.That((await pass.RunAsync(final: false, CancellationToken.None)).Stored, Is.True, "the playlist goes up; then all is stored");
        await pass.RunAsync(final: false, CancellationToken.None); // warm

        var before = GC.GetAllocatedBytesForCurrentThread();
        var quiet = pass.RunAsync(final: false, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(quiet.IsCompletedSuccessfully && quiet.Result.Stored, Is.True);
        return allocated;
    }
}
