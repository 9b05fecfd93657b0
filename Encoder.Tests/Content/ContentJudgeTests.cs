using Encoder.Content;
using Encoder.Events;
using static Encoder.Content.ContentObservation;

namespace Encoder.Tests.Content;

/// <summary>Every transition of the content judge, as (observations, at seconds since T0) → (every event they gave, in order).</summary>
public sealed class ContentJudgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    // Black at or below luma 32 for 5 s, frozen at or below a change of 0.5 for 8 s, silent at or below -60 dBFS for 10 s.
    private static readonly ContentThresholds Defaults = new(32, TimeSpan.FromSeconds(5), 0.5, TimeSpan.FromSeconds(8), -60, TimeSpan.FromSeconds(10));

    private static readonly Picture Moving = new(200, 6.5);
    private static readonly Picture Still = new(200, 0.1);
    private static readonly Picture Dark = new(16, 0);
    private static readonly Sound Loud = new(-23);
    private static readonly Sound Quiet = new(-90);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static ContentConditionStarted Started(double at, ContentCondition condition, double since) => new(At(at), condition, At(since));

    private static ContentConditionEnded Ended(double at, ContentCondition condition, double since, bool measured = true) => new(At(at), condition, At(since), measured);

    /// <summary>Keyframes every <paramref name="every"/> seconds from <paramref name="from"/> up to <paramref name="to"/> (included).</summary>
    private static IEnumerable<(double, ContentObservation)> Every(double from, double to, ContentObservation observation, double every = 2)
    {
        for (var t = from; t <= to + 1e-9; t += every)
            yield return (t, observation);
    }

    private static readonly (double, ContentObservation)[] BlackReported = [(0, Moving), .. Every(2, 8, Dark)]; // black from 2, reported at 8
    private static readonly (double, ContentObservation)[] SilentReported = [(0, Loud), .. Every(1, 11, Quiet, 0.5)]; // silent from 1, reported at 11

    private static IEnumerable<TestCaseData> Transitions()
    {
        yield return Case("A_moving_picture_with_sound_raises_nothing", [.. Every(0, 60, Moving), .. Every(0.5, 60, Loud, 0.5)]);
        yield return Case("Black_is_reported_once_it_lasted_its_minimum_counted_from_the_first_black_keyframe",
            [(0, Moving), .. Every(2, 6, Dark), (7, new Tick())], Started(7, ContentCondition.Black, 2));
        yield return Case("Black_shorter_than_its_minimum_is_never_reported", [(0, Moving), .. Every(2, 6, Dark), (6.5, new Tick()), (8, Moving), (9, new Tick())]);
        yield return Case("Black_is_not_reported_twice", [.. BlackReported, (9, new Tick()), (10, Dark)], Started(8, ContentCondition.Black, 2));
        yield return Case("Black_ends_with_the_first_keyframe_that_is_not", [.. BlackReported, (10, Moving)],
            Started(8, ContentCondition.Black, 2), Ended(10, ContentCondition.Black, 2));
        yield return Case("A_black_picture_is_not_also_frozen", [(0, Moving), .. Every(2, 30, Dark), (31, new Tick())], Started(8, ContentCondition.Black, 2));
        yield return Case("A_dim_studio_above_the_black_level_is_not_black", [(0, new Picture(33, 4)), .. Every(2, 30, new Picture(40, 3))]);
        yield return Case("Frozen_is_reported_after_its_minimum_of_still_keyframes",
            [(0, Moving), .. Every(2, 8, Still), (10, Still)], Started(10, ContentCondition.Frozen, 2));
        yield return Case("A_pose_held_for_less_than_the_frozen_minimum_is_not_frozen", [(0, Moving), .. Every(2, 8, Still), (9, new Tick()), (10, Moving)]);
        yield return Case("A_change_just_above_the_noise_level_is_moving", [(0, Moving), .. Every(2, 30, new Picture(200, 0.51))]);
        yield return Case("Frozen_ends_when_the_picture_moves", [(0, Moving), .. Every(2, 10, Still), (12, Moving)],
            Started(10, ContentCondition.Frozen, 2), Ended(12, ContentCondition.Frozen, 2));
        yield return Case("A_frozen_picture_going_black_is_black_not_frozen_any_more", [(0, Moving), .. Every(2, 10, Still), .. Every(12, 18, Dark)],
            Started(10, ContentCondition.Frozen, 2), Ended(12, ContentCondition.Frozen, 2), Started(18, ContentCondition.Black, 12));
        yield return Case("A_run_s_first_keyframe_says_nothing_about_frozen", [(0, Moving), .. Every(2, 8, Still), (9, new Picture(200, null)), (10, Still)],
            Started(10, ContentCondition.Frozen, 2));
        yield return Case("Silence_is_reported_after_its_minimum", [.. SilentReported], Started(11, ContentCondition.Silent, 1));
        yield return Case("A_pause_between_exercises_is_not_silence", [(0, Loud), .. Every(1, 9, Quiet, 0.5), (9.5, Loud), (10, new Tick()), (12, new Tick())]);
        yield return Case("Room_tone_above_the_silence_level_is_sound", [.. Every(0, 60, new Sound(-52), 0.5)]);
        yield return Case("Silence_ends_with_the_first_half_second_of_sound", [.. SilentReported, (12, Loud)],
            Started(11, ContentCondition.Silent, 1), Ended(12, ContentCondition.Silent, 1));
        yield return Case("Silence_is_judged_apart_from_the_picture", [.. SilentReported, (12, Dark), (12.5, Moving)], Started(11, ContentCondition.Silent, 1));
        yield return Case("A_minimum_of_zero_reports_at_the_first_measurement", [(0, Loud), (0.5, Quiet)],
            Defaults with { SilentMin = TimeSpan.Zero }, Started(0.5, ContentCondition.Silent, 0.5));
        yield return Case("The_stream_lost_ends_what_was_reported_unmeasured",
            [.. BlackReported, (9, new StreamLost())], Started(8, ContentCondition.Black, 2), Ended(9, ContentCondition.Black, 2, measured: false));
        yield return Case("After_the_stream_is_lost_a_condition_starts_its_minimum_again",
            [(0, Moving), .. Every(2, 6, Dark), (6.5, new StreamLost()), (7, Dark), (8, new Tick()), (10, Dark)]);
        yield return Case("Pictures_that_stop_coming_end_the_picture_s_conditions_unmeasured",
            [.. BlackReported, (8 + ContentJudge.StaleAfter.TotalSeconds - 0.1, new Tick()), (8 + ContentJudge.StaleAfter.TotalSeconds, new Tick())],
            Started(8, ContentCondition.Black, 2), Ended(8 + ContentJudge.StaleAfter.TotalSeconds, ContentCondition.Black, 2, measured: false));
        yield return Case("Pictures_that_stop_coming_do_not_end_the_sound_s",
            [(0, Moving), .. SilentReported.Skip(1), .. Every(11.5, 40, Quiet, 0.5), (40, new Tick())], Started(11, ContentCondition.Silent, 1));
        yield return Case("A_tick_before_any_measurement_says_nothing", [(0, new Tick()), (30, new Tick())]);
    }

    private static TestCaseData Case(string name, (double, ContentObservation)[] observations, params ClassEvent[] expected) =>
        Case(name, observations, Defaults, expected);

    private static TestCaseData Case(string name, (double, ContentObservation)[] observations, ContentThresholds thresholds, params ClassEvent[] expected) =>
        new TestCaseData(observations, thresholds, expected).SetName(name);

    [TestCaseSource(nameof(Transitions))]
    public void Transition((double At, ContentObservation Observation)[] observations, ContentThresholds thresholds, ClassEvent[] expected)
    {
        var judge = new ContentJudge(thresholds);
        var state = ContentState.Initial;
        var all = new List<ClassEvent>();
        foreach (var (at, observation) in observations.OrderBy(o => o.At))
        {
            (state, var decided) = judge.Decide(state, observation, At(at));
            all.AddRange(decided);
        }

        Assert.That(all, Is.EqualTo(expected));
    }

    [Test]
    public void A_moving_picture_with_sound_raises_nothing_over_an_hour()
    {
        var judge = new ContentJudge(Defaults);
        var state = ContentState.Initial;
        var events = new List<ClassEvent>();
        for (var t = 0.0; t < 3600; t += 0.5)
        {
            var observations = t % 2 == 0 ? new ContentObservation[] { new Picture(120 + (t % 7), 2 + (t % 3)), new Sound(-30 - (t % 20)), new Tick() } : [new Sound(-25)];
            foreach (var observation in observations)
            {
                (state, var decided) = judge.Decide(state, observation, At(t));
                events.AddRange(decided);
            }
        }

        Assert.That(events, Is.Empty);
    }

    [Test]
    public void Each_condition_is_reported_then_ended_once_across_a_black_then_silent_then_frozen_class()
    {
        var judge = new ContentJudge(Defaults);
        var state = ContentState.Initial;
        var events = new List<ClassEvent>();
        for (var t = 0.0; t < 90; t += 0.5)
        {
            var picture = t is >= 10 and < 30 ? Dark : t is >= 50 and < 70 ? Still : Moving;
            var sound = t is >= 30 and < 50 ? Quiet : Loud;
            var observations = t % 2 == 0 ? new ContentObservation[] { picture, sound, new Tick() } : [sound, new Tick()]; // a keyframe every 2 s
            foreach (var observation in observations)
            {
                (state, var decided) = judge.Decide(state, observation, At(t));
                events.AddRange(decided);
            }
        }

        Assert.That(events, Is.EqualTo(new ClassEvent[]
        {
            Started(15, ContentCondition.Black, 10), Ended(30, ContentCondition.Black, 10),
            Started(40, ContentCondition.Silent, 30), Ended(50, ContentCondition.Silent, 30),
            Started(58, ContentCondition.Frozen, 50), Ended(70, ContentCondition.Frozen, 50),
        }));
    }
}
