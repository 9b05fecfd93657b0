using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>How a session started again without its folder continues what storage holds: one row per case (<see cref="ResumePlan"/>).</summary>
public sealed class ResumePlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private static StoredObject Segment(int number, int secondsIn = 0) =>
        new($"yoga/{RecordingLayout.SegmentFileName(number)}", new string('a', 32), 1000, T0.AddSeconds(2 * number + 2 + secondsIn));

    private static string Playlist(int segments, bool vod = true)
    {
        var text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:" + (vod ? "VOD" : "EVENT") + "\n";
        for (var i = 0; i < segments; i++)
            text += $"#EXTINF:2.000000,\n{RecordingLayout.SegmentFileName(i)}\n";
        return text + (vod ? "#EXT-X-ENDLIST\n" : "");
    }

    private static SessionManifest Manifest(int segments, DateTimeOffset endedAt) =>
        SessionManifest.Build("yoga", T0, endedAt, HlsPlaylist.Parse(Playlist(segments)), "yoga/index.m3u8", ["primary"], [], []);

    [Test]
    public void Storage_holding_nothing_of_the_recording_is_a_new_class()
    {
        Assert.That(ResumePlan.Decide("yoga", [], null, null, 2), Is.Null);
        Assert.That(ResumePlan.Decide("yoga", [new StoredObject("yoga/status.json", null, 10, T0)], null, null, 2), Is.Null, "a status alone is no recording");
    }

    [Test]
    public void A_cleanly_stopped_run_is_continued_from_its_stored_playlist_as_it_is()
    {
        var playlist = Playlist(4);

        var plan = ResumePlan.Decide("yoga", [.. Enumerable.Range(0, 4).Select(i => Segment(i))], playlist, Manifest(4, T0.AddSeconds(12)), 2)!;

        Assert.That((plan.Playlist, plan.PlaylistAsStored, plan.NextSegment, plan.Unstored), Is.EqualTo((playlist, true, 4, Array.Empty<string>())));
        Assert.That(plan.StoredSegments.Select(s => s.Key), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts", "seg_00002.ts", "seg_00003.ts" }));
        Assert.That(plan.Earlier!.Runs, Is.EqualTo(new[] { new SessionRun(T0, T0.AddSeconds(12)) }));
        Assert.That(plan.Earlier.FirstStartedAt, Is.EqualTo(T0));
    }

    [Test]
    public void Segments_stored_beyond_the_stored_playlist_are_named_too_so_no_number_is_used_twice()
    {
        var plan = ResumePlan.Decide("yoga", [.. Enumerable.Range(0, 6).Select(i => Segment(i))], Playlist(4, vod: false), null, 2)!;

        var restored = HlsPlaylist.Parse(plan.Playlist!);
        Assert.That(restored.Segments.Select(s => (s.Uri, s.Duration.TotalSeconds)), Is.EqualTo(new[]
        {
            ("seg_00000.ts", 2.0), ("seg_00001.ts", 2.0), ("seg_00002.ts", 2.0), ("seg_00003.ts", 2.0), ("seg_00004.ts", 2.0), ("seg_00005.ts", 2.0),
        }));
        Assert.That((plan.PlaylistAsStored, plan.NextSegment, restored.HasEndList), Is.EqualTo((false, 6, false)));
    }

    [Test]
    public void A_number_storage_lacks_among_them_is_named_and_reported_unstored()
    {
        var plan = ResumePlan.Decide("yoga", [Segment(0), Segment(1), Segment(3)], Playlist(2), null, 2)!;

        Assert.That(HlsPlaylist.Parse(plan.Playlist!).Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts", "seg_00002.ts", "seg_00003.ts" }));
        Assert.That((plan.Unstored, plan.NextSegment), Is.EqualTo((new[] { "seg_00002.ts" }, 4)));
    }

    [Test]
    public void Without_a_stored_playlist_the_stored_segments_make_one()
    {
        var plan = ResumePlan.Decide("yoga", [Segment(0), Segment(1)], null, null, 2)!;

        Assert.That(plan.Playlist, Does.StartWith("#EXTM3U\n"));
        Assert.That(HlsPlaylist.Parse(plan.Playlist!).Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts", "seg_00001.ts" }));
        Assert.That(plan.Earlier!.Runs, Is.EqualTo(new[] { new SessionRun(T0.AddSeconds(2), T0.AddSeconds(4)) }), "a run known only from its segments' times");
    }

    [Test]
    public void A_manifest_counting_two_runs_and_segments_stored_after_it_make_three_earlier_runs()
    {
        var two = Manifest(4, T0.AddSeconds(12)) with { Runs = [new SessionRun(T0, T0.AddSeconds(5)), new SessionRun(T0.AddSeconds(6), T0.AddSeconds(12))] };

        var plan = ResumePlan.Decide("yoga", [.. Enumerable.Range(0, 4).Select(i => Segment(i)), Segment(4, secondsIn: 60), Segment(5, secondsIn: 60)], Playlist(4), two, 2)!;

        Assert.That(plan.Earlier!.Runs, Has.Count.EqualTo(3));
        Assert.That(plan.Earlier.Runs[2], Is.EqualTo(new SessionRun(T0.AddSeconds(70), T0.AddSeconds(72))));
    }

    [Test]
    public void Objects_of_another_session_and_files_that_are_not_segments_are_not_segments()
    {
        var plan = ResumePlan.Decide("yoga", [Segment(0), new StoredObject("yoga/logs/seg_00009.ts", null, 1, T0), new StoredObject("yoga-2/seg_00003.ts", null, 1, T0)],
            Playlist(1), null, 2)!;

        Assert.That((plan.StoredSegments.Select(s => s.Key), plan.NextSegment), Is.EqualTo((new[] { "seg_00000.ts" }, 1)));
    }
}
