using Encoder.Metrics;
using Encoder.Recording;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Recording;

/// <summary>The segments' ledger: complete, stored, deletable and what waits, from the playlist and the journal.</summary>
public sealed class SegmentLedgerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    private static HlsPlaylist Playlist(int segments, int from = 0) =>
        new([.. Enumerable.Range(from, segments).Select(i => new HlsSegment($"seg_{i:D5}.ts", TimeSpan.FromSeconds(2), false))], false);

    [TestCase("seg_00000.ts", true)]
    [TestCase("seg_12345.ts", true)]
    [TestCase("seg_123456.ts", true, TestName = "More segments than five digits hold still follow the rule")]
    [TestCase("seg_0001.ts", false)]
    [TestCase("seg_00001.ts.tmp", false, TestName = "FFmpeg's segment before its rename is not one")]
    [TestCase("seg_0000a.ts", false)]
    [TestCase("index.m3u8", false)]
    [TestCase("logs/seg_00001.log", false)]
    [TestCase("seg_.ts", false)]
    public void A_segments_name_follows_FFmpegs_pattern(string name, bool segment) =>
        Assert.That(RecordingLayout.IsSegmentFile(name), Is.EqualTo(segment));

    [Test]
    public void The_glob_for_listing_segments_comes_from_the_same_pattern() =>
        Assert.That(RecordingLayout.SegmentFileGlob, Is.EqualTo("seg_*.ts"));

    [Test]
    public void Complete_is_named_by_the_playlist_stored_is_the_journals_and_deletable_is_stored()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(2));
        ledger.Stored("seg_00000.ts");
        ledger.Stored("index.m3u8");

        Assert.That((ledger.IsComplete("seg_00001.ts"), ledger.IsComplete("seg_00002.ts")), Is.EqualTo((true, false)));
        Assert.That((ledger.IsStored("seg_00000.ts"), ledger.IsStored("seg_00001.ts")), Is.EqualTo((true, false)));
        Assert.That((ledger.IsDeletable("seg_00000.ts"), ledger.IsDeletable("seg_00001.ts"), ledger.IsDeletable("index.m3u8")), Is.EqualTo((true, false, false)),
            "only a stored segment may go; the playlist is no segment");
        Assert.That((ledger.RecordedCount, ledger.StoredCount, ledger.Pending), Is.EqualTo((2, 1, (int?)1)));
    }

    [Test]
    public void A_segment_stored_before_the_playlist_names_it_is_never_pending_and_counts_once()
    {
        var ledger = new SegmentLedger(_time);
        ledger.Stored("seg_00000.ts"); // the journal's replay, before the first look at the playlist
        ledger.Stored("seg_00000.ts");

        ledger.PlaylistRead(Playlist(2));

        Assert.That((ledger.StoredCount, ledger.Pending, ledger.IsDeletable("seg_00000.ts")), Is.EqualTo((1, (int?)1, true)));
    }

    [Test]
    public void Nothing_is_pending_before_the_first_playlist_and_the_lag_is_the_age_of_the_oldest_segment_waiting()
    {
        var ledger = new SegmentLedger(_time);
        Assert.That((ledger.Pending, ledger.Lag), Is.EqualTo(((int?)null, (TimeSpan?)null)));

        ledger.PlaylistRead(Playlist(1));
        _time.Advance(TimeSpan.FromSeconds(10));
        ledger.PlaylistRead(Playlist(2));
        _time.Advance(TimeSpan.FromSeconds(5));
        var bothWait = ledger.Lag;
        ledger.Stored("seg_00000.ts");
        var secondWaits = ledger.Lag;
        ledger.Stored("seg_00001.ts");

        Assert.That((bothWait, secondWaits, ledger.Lag), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(15), (TimeSpan?)TimeSpan.FromSeconds(5), (TimeSpan?)TimeSpan.Zero)));
    }

    [Test]
    public void A_lost_segment_no_longer_waits_and_does_not_hold_the_lag()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(2));
        _time.Advance(TimeSpan.FromSeconds(3));

        ledger.Lost("seg_00000.ts");

        Assert.That((ledger.Pending, ledger.IsStored("seg_00000.ts")), Is.EqualTo(((int?)1, false)));
        _time.Advance(TimeSpan.FromSeconds(1));
        ledger.Stored("seg_00001.ts");
        Assert.That((ledger.Pending, ledger.Lag), Is.EqualTo(((int?)0, (TimeSpan?)TimeSpan.Zero)));
    }

    [Test]
    public void The_metrics_lag_is_the_longest_wait_since_the_last_take()
    {
        var ledger = new SegmentLedger(_time);
        IUploadFigures figures = ledger;
        ledger.PlaylistRead(Playlist(1));
        _time.Advance(TimeSpan.FromSeconds(20));
        ledger.Stored("seg_00000.ts");
        ledger.PlaylistRead(Playlist(2));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.That((figures.TakeLag(), figures.TakeLag()), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(20), (TimeSpan?)TimeSpan.FromSeconds(1))),
            "the 20 s wait of a segment stored in the interval, then only the one still waiting");
    }

    [Test]
    public void A_playlist_that_replaced_the_one_known_is_learned_again()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(3));
        ledger.Stored("seg_00000.ts");

        ledger.PlaylistRead(Playlist(2, from: 10));

        Assert.That((ledger.RecordedCount, ledger.IsComplete("seg_00001.ts"), ledger.IsComplete("seg_00011.ts"), ledger.Pending), Is.EqualTo((2, false, true, (int?)2)));
    }

    [Test]
    public void A_new_segment_costs_what_is_new_however_long_the_class()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(2_000));
        for (var i = 0; i < 2_000; i++)
            ledger.Stored($"seg_{i:D5}.ts");
        var longer = Playlist(2_001);
        ledger.PlaylistRead(longer); // warm

        var before = GC.GetAllocatedBytesForCurrentThread();
        ledger.PlaylistRead(longer);
        var lag = ledger.Lag;
        var pending = ledger.Pending;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That((pending, lag), Is.EqualTo(((int?)1, (TimeSpan?)TimeSpan.Zero)));
        Assert.That(allocated, Is.LessThan(256), "looking again at an unchanged playlist walks nothing");
    }

    [Test]
    public void While_the_replays_pictures_hold_the_segments_a_stored_one_goes_only_once_looked_at_and_taken_into_the_MP4()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(1));
        ledger.Stored("seg_00000.ts");
        ledger.HoldForReplay();
        ledger.HoldForPictures();

        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.False, "neither has read it");
        ledger.Replayed("seg_00000.ts");
        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.False, "the pictures have not looked at it");
        ledger.Pictured("seg_00000.ts");
        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.True);
    }

    [Test]
    public void Pictures_that_gave_up_no_longer_hold_a_segment()
    {
        var ledger = new SegmentLedger(_time);
        ledger.PlaylistRead(Playlist(1));
        ledger.Stored("seg_00000.ts");
        ledger.HoldForPictures();
        ledger.ReleasePicturesHold();

        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.True);
    }
}
