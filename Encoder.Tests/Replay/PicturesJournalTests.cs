using System.Text;
using Encoder.Replay;
using Encoder.Storage;

namespace Encoder.Tests.Replay;

public sealed class PicturesJournalTests
{
    private static string Lines(params PicturesJournalLine[] lines) => string.Concat(lines.Select(l => Encoding.UTF8.GetString(PicturesJournal.Line(l))));

    private static PicturesJournalLine Segment(string uri, double seconds = 2) => new() { Segment = new LookedSegment(uri, seconds) };

    private static readonly ReplayObject Sprite0 = new("yoga/replay/sprite-0.jpg", 5000, "image/jpeg");

    [Test]
    public void An_empty_journal_is_a_start_from_nothing()
    {
        Assert.That(PicturesJournal.Read(""), Is.EqualTo(PicturesProgress.None).Using<PicturesProgress>((a, b) =>
            a.Segments.Count == b.Segments.Count && a.Tiles == b.Tiles && a.Sheets.Count == b.Sheets.Count && a.Best == b.Best && a.Poster == b.Poster));
    }

    [Test]
    public void A_journal_read_back_gives_the_segments_looked_at_and_the_VOD_time_they_make()
    {
        var progress = PicturesJournal.Read(Lines(Segment("seg_00000.ts", 2), Segment("seg_00001.ts", 1.5)));

        Assert.That(progress.Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts" }));
        Assert.That(progress.Recorded, Is.EqualTo(TimeSpan.FromSeconds(3.5)));
    }

    [Test]
    public void A_last_line_cut_short_by_a_kill_is_not_counted_so_its_segment_is_looked_at_again()
    {
        var whole = Lines(Segment("seg_00000.ts"), Segment("seg_00001.ts"));
        var cut = whole[..(whole.Length - 10)];

        Assert.That(PicturesJournal.Read(cut).Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts" }));
        Assert.That(PicturesJournal.Read(whole[..^1]).Segments, Has.Count.EqualTo(1), "a line without its newline is cut too");
    }

    [Test]
    public void A_line_that_is_not_the_journals_is_skipped()
    {
        var progress = PicturesJournal.Read("not json\n" + Lines(Segment("seg_00000.ts")));

        Assert.That(progress.Segments, Has.Count.EqualTo(1));
    }

    // (lines, tiles made, unsheeted raw tiles, sheets made, sheets stored)
    private static IEnumerable<TestCaseData> Storyboards()
    {
        yield return new TestCaseData(Lines(new() { Tile = new PictureSize(160, 90) }, new() { Tiles = 12 }), 12, 12, 0, 0)
            .SetName("Tiles made count the last number journaled and wait raw until their sheet");
        yield return new TestCaseData(Lines(new() { Tiles = 100 }, new() { Sheet = new MadeSheet(0, 100) }, new() { Tiles = 130 }), 130, 30, 1, 0)
            .SetName("A sheet made takes its tiles out of the raw ones");
        yield return new TestCaseData(Lines(new PicturesJournalLine { Tiles = 100 }), 100, 100, 0, 0)
            .SetName("A full sheet not made before the kill waits to be made");
        yield return new TestCaseData(Lines(new() { Tiles = 100 }, new() { Sheet = new MadeSheet(0, 100) }, new() { Sprite = new StoredSheet(0, Sprite0) }), 100, 0, 1, 1)
            .SetName("A sheet stored is not stored again");
        yield return new TestCaseData(Lines(new PicturesJournalLine { Sprite = new StoredSheet(3, Sprite0) }), 0, 0, 0, 0)
            .SetName("A stored sheet the journal never saw made is not counted");
    }

    [TestCaseSource(nameof(Storyboards))]
    public void The_storyboard_read_back(string lines, int tiles, int unsheeted, int made, int stored)
    {
        var progress = PicturesJournal.Read(lines);

        Assert.That((progress.Tiles, progress.Unsheeted, progress.Sheets.Count, progress.Sheets.Count(s => s.Stored is not null)),
            Is.EqualTo((tiles, unsheeted, made, stored)));
    }

    [Test]
    public void The_poster_read_back_keeps_the_last_best_candidate_the_choice_and_the_object_stored()
    {
        var poster = new ReplayPoster("yoga/replay/poster.jpg", 20000, "image/jpeg", 640, 360);
        var progress = PicturesJournal.Read(Lines(
            new() { Candidate = new PosterCandidate(TimeSpan.FromSeconds(1), 16, 20) },
            new() { Candidate = new PosterCandidate(TimeSpan.FromSeconds(5), 30, 200) },
            new() { Chosen = true },
            new() { Poster = poster }));

        Assert.That((progress.Best, progress.Chosen, progress.Poster), Is.EqualTo((new PosterCandidate(TimeSpan.FromSeconds(5), 30, 200), true, poster)));
    }

    [Test]
    public void The_first_problem_of_each_side_stands()
    {
        var progress = PicturesJournal.Read(Lines(
            new() { StoryboardProblem = "first" }, new() { StoryboardProblem = "second" }, new() { PosterProblem = "no keyframe was recorded" }));

        Assert.That((progress.StoryboardProblem, progress.PosterProblem), Is.EqualTo(("first", "no keyframe was recorded")));
    }
}
