using System.Text;
using Encoder.Replay;
using Encoder.Storage;

namespace Encoder.Tests.Replay;

public sealed class ReplayJournalTests
{
    private static readonly ReplayTrack Video = new("vide", 90000, new byte[24], 640, 360);

    private static string Lines(params ReplayJournalLine[] lines) => string.Concat(lines.Select(l => Encoding.UTF8.GetString(ReplayJournal.Line(l))));

    private static ReplayJournalLine Segment(string uri, long bytes) => new()
    {
        Segment = JournaledSegment.Of(uri, TimeSpan.FromSeconds(2), new SegmentMedia([Video], [new SegmentPacket(0, 0, 3000, 0, (int)bytes, 0, true)], 40, bytes)),
    };

    [Test]
    public void A_journal_read_back_gives_the_upload_the_segments_in_order_and_the_media_stored_and_gathered()
    {
        var progress = ReplayJournal.Read(Lines(
            Segment("seg_00000.ts", 100),
            new ReplayJournalLine { Upload = "u1" },
            Segment("seg_00001.ts", 50),
            new ReplayJournalLine { Part = new StoredPart(2, "e2", 120) }));

        Assert.That(progress.UploadId, Is.EqualTo("u1"));
        Assert.That(progress.Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts" }));
        Assert.That((progress.Gathered, progress.Sent, progress.NextPart), Is.EqualTo((150L, 120L, 3)));
    }

    [Test]
    public void A_last_line_cut_short_by_a_kill_is_not_counted_so_its_segment_is_taken_in_again()
    {
        var whole = Lines(Segment("seg_00000.ts", 100), Segment("seg_00001.ts", 50));
        var cut = whole[..(whole.Length - 20)];

        Assert.That(ReplayJournal.Read(cut).Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts" }));
    }

    [Test]
    public void A_part_stored_twice_counts_once_with_the_last_answer()
    {
        var progress = ReplayJournal.Read(Lines(
            new ReplayJournalLine { Upload = "u1" },
            new ReplayJournalLine { Part = new StoredPart(2, "first", 120) },
            new ReplayJournalLine { Part = new StoredPart(2, "again", 120) }));

        Assert.That(progress.Parts, Is.EqualTo(new[] { new StoredPart(2, "again", 120) }));
        Assert.That(progress.Sent, Is.EqualTo(120));
    }

    [Test]
    public void A_completed_or_abandoned_replay_reads_back_as_such()
    {
        var mp4 = new ReplayObject("yoga/replay/recording.mp4", 999, "video/mp4", 12.5);

        Assert.That(ReplayJournal.Read(Lines(Segment("seg_00000.ts", 100), new ReplayJournalLine { Completed = mp4 })).Completed, Is.EqualTo(mp4));
        Assert.That(ReplayJournal.Read(Lines(new ReplayJournalLine { GaveUp = "its streams differ" }, new ReplayJournalLine { GaveUp = "later" })).Problem,
            Is.EqualTo("its streams differ"));
    }

    [Test]
    public void A_journaled_segment_gives_back_the_media_the_timeline_took()
    {
        var media = new SegmentMedia([Video], [new SegmentPacket(0, 900, 3000, 1500, 77, 0, true), new SegmentPacket(0, 3900, 3000, -300, 11, 77, false)], 48, 88);

        var back = JournaledSegment.Of("seg_00004.ts", TimeSpan.FromSeconds(2), media).Media();

        Assert.That(back!.Packets, Is.EqualTo(media.Packets));
        Assert.That((back.MediaStart, back.MediaLength, back.Tracks[0].Width), Is.EqualTo((0L, 88L, 640)));
    }
}
