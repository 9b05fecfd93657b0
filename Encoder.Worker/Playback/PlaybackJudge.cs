using static Encoder.Playback.PlaybackLook;
using static Encoder.Playback.PlaybackVerdict;

namespace Encoder.Playback;

/// <summary>
/// Whether the viewers' stream plays, as one pure function: <c>(state, look, now) → (state, verdicts)</c>. Every rule of
/// the playback watch is here; <see cref="PlaybackWatch"/> only looks (<see cref="PlaybackProbe"/>) and publishes.
/// <list type="table">
/// <item><term>advance</term><description>the playlist's newest segment (number or URI) differs from the last one seen
///   advancing, and it downloaded. The first look is only the baseline: a CDN may still serve the last class's playlist.</description></item>
/// <item><term>waiting</term><description>no advance yet: stale once <c>StartGraceSeconds</c> pass since the watch began
///   (the ingest connecting, the CDN packaging its first segments).</description></item>
/// <item><term>up</term><description>stale once nothing advanced for <c>StaleSeconds</c>, or twice the playlist's target
///   duration when that is longer (a CDN with long segments updates its playlist that rarely). A 304, the same
///   playlist, <c>EXT-X-ENDLIST</c>, an HTTP error and a segment that won't download are all "nothing advanced".</description></item>
/// <item><term>stale</term><description>the next advance recovers it, saying how long it was stale.</description></item>
/// </list>
/// It is a report, not a control: no verdict touches the ingests, the recorder or the egresses.
/// </summary>
public sealed class PlaybackJudge(TimeSpan staleAfter, TimeSpan startGrace)
{
    private static readonly PlaybackVerdict[] None = [];

    public static PlaybackState Initial(DateTimeOffset watchingSince) => new(PlaybackPhase.Waiting, watchingSince);

    /// <summary>How long nothing may advance before an up playback is stale, for a playlist of this target duration.</summary>
    public TimeSpan StaleLimit(TimeSpan targetDuration) => targetDuration * 2 > staleAfter ? targetDuration * 2 : staleAfter;

    public (PlaybackState State, IReadOnlyList<PlaybackVerdict> Verdicts) Decide(PlaybackState state, PlaybackLook look, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(look);
        if (look is Playlist playlist)
        {
            state = state with { TargetDuration = playlist.TargetDuration };
            if (state.Position is null && playlist.Position is not null)
                return NothingAdvanced(state with { Position = playlist.Position }, look, now); // the baseline
            if (playlist.Position is { } position && position != state.Position && playlist.SegmentProblem is null)
                return Advanced(state with { Position = position, AdvancedAt = now, StaleSince = null }, state, now);
        }

        return NothingAdvanced(state, look, now);
    }

    private static (PlaybackState, PlaybackVerdict[]) Advanced(PlaybackState state, PlaybackState before, DateTimeOffset now) => before.Phase switch
    {
        PlaybackPhase.Waiting => (state with { Phase = PlaybackPhase.Up }, [new Advanced(), new Live(now - before.WatchingSince)]),
        PlaybackPhase.Stale => (state with { Phase = PlaybackPhase.Up }, [new Advanced(), new Recovered(now - before.StaleSince!.Value)]),
        _ => (state, [new Advanced()]),
    };

    private (PlaybackState, PlaybackVerdict[]) NothingAdvanced(PlaybackState state, PlaybackLook look, DateTimeOffset now)
    {
        if (state.Phase == PlaybackPhase.Stale)
            return (state, None);
        var since = state.AdvancedAt ?? state.WatchingSince;
        var limit = state.Phase == PlaybackPhase.Waiting ? startGrace : StaleLimit(state.TargetDuration);
        if (now - since < limit)
            return (state, None);
        return (state with { Phase = PlaybackPhase.Stale, StaleSince = since }, [new WentStale(since, Why(state, look))]);
    }

    private static string Why(PlaybackState state, PlaybackLook look) => look switch
    {
        Unreachable unreachable => unreachable.Problem,
        Playlist { SegmentProblem: { } problem } => $"the newest segment does not download: {problem}",
        Playlist { Ended: true } => "the playlist has ended (EXT-X-ENDLIST)",
        Playlist { Position: null } => "the playlist names no segment",
        _ => state.AdvancedAt is null ? "the playlist has not advanced since the class began" : "the playlist has stopped advancing",
    };
}
