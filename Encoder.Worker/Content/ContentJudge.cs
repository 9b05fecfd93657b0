using Encoder.Configuration;
using Encoder.Events;

namespace Encoder.Content;

/// <summary>What counts as each condition and how long it must last before it is reported (<c>Encoder:Content:*</c>).</summary>
public sealed record ContentThresholds(
    double BlackMaxLuma, TimeSpan BlackMin, double FrozenMaxChange, TimeSpan FrozenMin, double SilentMaxDbfs, TimeSpan SilentMin)
{
    public static ContentThresholds From(ContentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ContentThresholds(
            options.BlackMaxLuma, TimeSpan.FromSeconds(options.BlackMinSeconds),
            options.FrozenMaxChange, TimeSpan.FromSeconds(options.FrozenMinSeconds),
            options.SilentMaxDbfs, TimeSpan.FromSeconds(options.SilentMinSeconds));
    }

    public TimeSpan MinFor(ContentCondition condition) => condition switch
    {
        ContentCondition.Black => BlackMin,
        ContentCondition.Frozen => FrozenMin,
        _ => SilentMin,
    };
}

/// <summary>What the judge hears: a measurement from the watch's FFmpeg, the clock, or the stream lost.</summary>
public abstract record ContentObservation
{
    /// <summary>A keyframe: <paramref name="Luma"/> nine tenths of it are at or below; <paramref name="Change"/> since the keyframe before (null for a run's first).</summary>
    public sealed record Picture(double Luma, double? Change) : ContentObservation;

    /// <summary>Half a second of sound at <paramref name="LevelDbfs"/> (RMS).</summary>
    public sealed record Sound(double LevelDbfs) : ContentObservation;

    /// <summary>Time passes (each second): a condition may be due, measurements may have stopped coming.</summary>
    public sealed record Tick : ContentObservation;

    /// <summary>The watch's FFmpeg ended: nothing measured before counts for what comes after.</summary>
    public sealed record StreamLost : ContentObservation;
}

/// <summary>One condition's track: suspected since <paramref name="Since"/> (the first measurement that showed it), <paramref name="Reported"/> once it lasted its minimum.</summary>
public sealed record ConditionTrack(DateTimeOffset? Since, bool Reported)
{
    public static readonly ConditionTrack Fine = new(null, false);
}

/// <summary>The judge's whole state: each condition's track and when the picture and the sound were last measured.</summary>
public sealed record ContentState(ConditionTrack Black, ConditionTrack Frozen, ConditionTrack Silent, DateTimeOffset? PictureAt, DateTimeOffset? SoundAt)
{
    public static readonly ContentState Initial = new(ConditionTrack.Fine, ConditionTrack.Fine, ConditionTrack.Fine, null, null);

    public ConditionTrack Track(ContentCondition condition) => condition switch
    {
        ContentCondition.Black => Black,
        ContentCondition.Frozen => Frozen,
        _ => Silent,
    };

    public ContentState With(ContentCondition condition, ConditionTrack track) => condition switch
    {
        ContentCondition.Black => this with { Black = track },
        ContentCondition.Frozen => this with { Frozen = track },
        _ => this with { Silent = track },
    };
}

/// <summary>
/// Judges the picture and the sound, as one pure function: <c>(state, observation, now) → (state, events)</c>. FFmpeg
/// only measures; every decision about black, frozen and silent is here.
/// <list type="table">
/// <item><term>black</term><description>a keyframe whose luma (nine tenths of it) is at or below <c>BlackMaxLuma</c>.</description></item>
/// <item><term>frozen</term><description>a keyframe, not black, that changed by at most <c>FrozenMaxChange</c> since the one
///   before (a black picture is also still: it is reported black only). A run's first keyframe says nothing about it.</description></item>
/// <item><term>silent</term><description>half a second of sound at or below <c>SilentMaxDbfs</c>.</description></item>
/// </list>
/// A condition is suspected from the first measurement that shows it; once it has lasted its minimum duration it is
/// reported (<see cref="ContentConditionStarted"/>, its duration counted from that first measurement). One measurement
/// without it ends it (<see cref="ContentConditionEnded"/>, measured): suspicion needs an unbroken run, so a picture
/// hovering at a threshold is reported at most once per minimum duration. When the picture (or the sound) has not been
/// measured for <see cref="StaleAfter"/> (the recorder is down, the relay silent), or the watch's FFmpeg ended, its
/// conditions end unmeasured: no picture at all is the recorder's alarm, not the content's.
/// </summary>
public sealed class ContentJudge(ContentThresholds thresholds)
{
    /// <summary>No measurement for this long: what was suspected or reported is no longer known (longer than any camera's keyframe interval).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(20);

    private static readonly ContentCondition[] Picture = [ContentCondition.Black, ContentCondition.Frozen];
    private static readonly ContentCondition[] Sound = [ContentCondition.Silent];

    public (ContentState State, IReadOnlyList<ClassEvent> Events) Decide(ContentState state, ContentObservation observation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var events = new List<ClassEvent>();
        switch (observation)
        {
            case ContentObservation.Picture picture:
                var black = picture.Luma <= thresholds.BlackMaxLuma;
                state = Step(state with { PictureAt = now }, ContentCondition.Black, black, now, events);
                if (black || picture.Change is { })
                    state = Step(state, ContentCondition.Frozen, !black && picture.Change <= thresholds.FrozenMaxChange, now, events);
                break;
            case ContentObservation.Sound sound:
                state = Step(state with { SoundAt = now }, ContentCondition.Silent, sound.LevelDbfs <= thresholds.SilentMaxDbfs, now, events);
                break;
            case ContentObservation.Tick:
                state = Stale(state, state.PictureAt, Picture, now, events);
                state = Stale(state, state.SoundAt, Sound, now, events);
                foreach (var condition in Enum.GetValues<ContentCondition>())
                    state = Confirm(state, condition, now, events);
                break;
            case ContentObservation.StreamLost:
                foreach (var condition in Enum.GetValues<ContentCondition>())
                    state = Unmeasured(state, condition, now, events);
                state = ContentState.Initial;
                break;
        }

        return (state, events);
    }

    private ContentState Step(ContentState state, ContentCondition condition, bool present, DateTimeOffset now, List<ClassEvent> events)
    {
        var track = state.Track(condition);
        if (!present)
        {
            if (track is { Reported: true, Since: { } since })
                events.Add(new ContentConditionEnded(now, condition, since, Measured: true));
            return state.With(condition, ConditionTrack.Fine);
        }

        return Confirm(track.Since is null ? state.With(condition, new ConditionTrack(now, false)) : state, condition, now, events);
    }

    private ContentState Confirm(ContentState state, ContentCondition condition, DateTimeOffset now, List<ClassEvent> events)
    {
        if (state.Track(condition) is not { Reported: false, Since: { } since } || now - since < thresholds.MinFor(condition))
            return state;
        events.Add(new ContentConditionStarted(now, condition, since));
        return state.With(condition, new ConditionTrack(since, true));
    }

    private static ContentState Stale(ContentState state, DateTimeOffset? measuredAt, ContentCondition[] conditions, DateTimeOffset now, List<ClassEvent> events)
    {
        if (measuredAt is not { } at || now - at < StaleAfter)
            return state;
        foreach (var condition in conditions)
            state = Unmeasured(state, condition, now, events);
        return state;
    }

    private static ContentState Unmeasured(ContentState state, ContentCondition condition, DateTimeOffset now, List<ClassEvent> events)
    {
        if (state.Track(condition) is { Reported: true, Since: { } since })
            events.Add(new ContentConditionEnded(now, condition, since, Measured: false));
        return state.With(condition, ConditionTrack.Fine);
    }
}
