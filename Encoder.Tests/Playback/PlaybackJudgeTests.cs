using Encoder.Playback;
using static Encoder.Playback.PlaybackLook;
using static Encoder.Playback.PlaybackVerdict;

namespace Encoder.Tests.Playback;

/// <summary>Every transition of the playback judge, as (looks so far, seconds since T0) → (phase, the last look's verdicts).</summary>
public sealed class PlaybackJudgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly PlaybackJudge Judge = new(staleAfter: TimeSpan.FromSeconds(12), startGrace: TimeSpan.FromSeconds(30));

    /// <summary>A 2-second-segment live playlist whose newest segment is number <paramref name="newest"/>, downloaded.</summary>
    private static Playlist At(long newest, string? segmentProblem = null, double target = 2, bool ended = false) =>
        new(new PlaylistPosition(newest, $"live-{newest}.ts"), Math.Max(0, newest - 5), TimeSpan.FromSeconds(target), ended, segmentProblem);

    private static readonly Unreachable NotFound = new("playlist: HTTP 404 Not Found");

    // Shared beginnings: seconds since T0 and the look.
    private static readonly (double, PlaybackLook)[] Baseline = [(0, At(7))];
    private static readonly (double, PlaybackLook)[] Live = [.. Baseline, (2, At(8))];
    private static readonly (double, PlaybackLook)[] Playing = [.. Live, (4, At(9)), (6, At(10))];
    private static readonly (double, PlaybackLook)[] Frozen = [.. Playing, (8, At(10)), (10, At(10)), (17.9, At(10)), (18, At(10))];

    private static IEnumerable<TestCaseData> Transitions()
    {
        yield return Case("The_first_look_is_only_the_baseline_a_cdn_may_still_serve_the_last_class", Baseline, PlaybackPhase.Waiting);
        yield return Case("The_first_new_segment_makes_it_live_saying_after_how_long", Live, PlaybackPhase.Up, new Advanced(), new PlaybackVerdict.Live(TimeSpan.FromSeconds(2)));
        yield return Case("Each_new_segment_is_an_advance", Playing, PlaybackPhase.Up, new Advanced());
        yield return Case("The_same_playlist_is_no_advance", [.. Playing, (8, At(10))], PlaybackPhase.Up);
        yield return Case("Not_advancing_for_less_than_the_limit_is_still_up", [.. Playing, (17.9, At(10))], PlaybackPhase.Up);
        yield return Case("Not_advancing_for_the_limit_is_stale_since_the_last_advance", Frozen, PlaybackPhase.Stale,
            new WentStale(T0.AddSeconds(6), "the playlist has stopped advancing"));
        yield return Case("Stale_is_said_once", [.. Frozen, (20, At(10))], PlaybackPhase.Stale);
        yield return Case("The_next_new_segment_recovers_it_saying_how_long_it_was_stale", [.. Frozen, (25, At(11))], PlaybackPhase.Up,
            new Advanced(), new Recovered(TimeSpan.FromSeconds(19)));
        yield return Case("An_unreachable_playlist_goes_stale_naming_the_problem", [.. Playing, (18, NotFound)], PlaybackPhase.Stale,
            new WentStale(T0.AddSeconds(6), "playlist: HTTP 404 Not Found"));
        yield return Case("A_reachable_playlist_again_after_404_recovers_at_its_next_segment", [.. Playing, (18, NotFound), (20, At(10)), (22, At(11))],
            PlaybackPhase.Up, new Advanced(), new Recovered(TimeSpan.FromSeconds(16)));
        yield return Case("A_new_segment_that_does_not_download_is_no_advance", [.. Playing, (8, At(11, "HTTP 403 Forbidden"))], PlaybackPhase.Up);
        yield return Case("It_counts_once_the_segment_downloads", [.. Playing, (8, At(11, "HTTP 403 Forbidden")), (10, At(11))], PlaybackPhase.Up, new Advanced());
        yield return Case("Segments_listed_but_never_served_go_stale_saying_so",
            [.. Playing, (8, At(11, "HTTP 403 Forbidden")), (18, At(12, "HTTP 403 Forbidden"))], PlaybackPhase.Stale,
            new WentStale(T0.AddSeconds(6), "the newest segment does not download: HTTP 403 Forbidden"));
        yield return Case("An_ended_playlist_goes_stale_saying_so", [.. Playing, (18, At(10, ended: true))], PlaybackPhase.Stale,
            new WentStale(T0.AddSeconds(6), "the playlist has ended (EXT-X-ENDLIST)"));
        yield return Case("A_long_target_duration_stretches_the_limit_to_two_of_them", [.. Playing, (24, At(10, target: 10))], PlaybackPhase.Up);
        yield return Case("And_it_is_stale_after_two_target_durations", [.. Playing, (26, At(10, target: 10))], PlaybackPhase.Stale,
            new WentStale(T0.AddSeconds(6), "the playlist has stopped advancing"));
        yield return Case("A_restarted_packager_whose_numbers_start_again_advances", [.. Playing, (8, At(0))], PlaybackPhase.Up, new Advanced());
    }

    private static IEnumerable<TestCaseData> ClassStart()
    {
        yield return Case("Waiting_for_the_cdn_within_the_start_grace_is_not_stale", [(0, NotFound), (29.9, NotFound)], PlaybackPhase.Waiting);
        yield return Case("No_advance_within_the_start_grace_is_stale_since_the_class_began", [(0, NotFound), (30, NotFound)], PlaybackPhase.Stale,
            new WentStale(T0, "playlist: HTTP 404 Not Found"));
        yield return Case("An_old_playlist_that_never_moves_is_stale_after_the_grace", [(0, At(7)), (30, At(7))], PlaybackPhase.Stale,
            new WentStale(T0, "the playlist has not advanced since the class began"));
        yield return Case("A_playlist_that_appears_becomes_the_baseline_and_its_next_segment_makes_it_live",
            [(0, NotFound), (4, At(0)), (6, At(1))], PlaybackPhase.Up, new Advanced(), new PlaybackVerdict.Live(TimeSpan.FromSeconds(6)));
        yield return Case("Live_after_the_grace_is_a_recovery_from_the_class_start", [(0, NotFound), (30, NotFound), (34, At(0)), (36, At(1))],
            PlaybackPhase.Up, new Advanced(), new Recovered(TimeSpan.FromSeconds(36)));
        yield return Case("An_empty_playlist_names_no_segment", [(0, new Playlist(null, 0, TimeSpan.FromSeconds(2), false, null)), (30, new Playlist(null, 0, TimeSpan.FromSeconds(2), false, null))],
            PlaybackPhase.Stale, new WentStale(T0, "the playlist names no segment"));
    }

    [TestCaseSource(nameof(Transitions))]
    [TestCaseSource(nameof(ClassStart))]
    public void Transition((double, PlaybackLook)[] looks, PlaybackPhase phase, PlaybackVerdict[] verdicts)
    {
        var state = PlaybackJudge.Initial(T0);
        IReadOnlyList<PlaybackVerdict> last = [];
        foreach (var (seconds, look) in looks)
            (state, last) = Judge.Decide(state, look, T0.AddSeconds(seconds));

        Assert.Multiple(() =>
        {
            Assert.That(state.Phase, Is.EqualTo(phase));
            Assert.That(last, Is.EqualTo(verdicts));
        });
    }

    [Test]
    public void The_stale_limit_is_the_configured_one_or_two_target_durations_when_longer()
    {
        Assert.That(new[] { 2, 6, 10 }.Select(t => Judge.StaleLimit(TimeSpan.FromSeconds(t)).TotalSeconds), Is.EqualTo(new[] { 12.0, 12.0, 20.0 }));
    }

    private static TestCaseData Case(string name, (double, PlaybackLook)[] looks, PlaybackPhase phase, params PlaybackVerdict[] verdicts) =>
        new TestCaseData(looks, phase, verdicts).SetName(name);
}
