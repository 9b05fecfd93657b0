namespace Encoder.Playback;

/// <summary>What viewers get, as the watch judges it.</summary>
public enum PlaybackPhase
{
    /// <summary>The class is on air and the playlist has not advanced yet since the watch began (the CDN's start-up).</summary>
    Waiting,

    /// <summary>The playlist advanced, and its newest segment downloaded, within the stale limit.</summary>
    Up,

    /// <summary>It has not, for longer than the limit (or, never having advanced, for longer than the start grace).</summary>
    Stale,
}

/// <summary>Where a live playlist is: its newest segment, by number (<c>EXT-X-MEDIA-SEQUENCE</c> + count − 1) and by URI.</summary>
public sealed record PlaylistPosition(long NewestSequence, string NewestUri);

/// <summary>One look at the playback URL, as the probe saw it.</summary>
public abstract record PlaybackLook
{
    /// <summary>
    /// A media playlist was read (or answered 304, the one read before). <paramref name="SegmentProblem"/> says why its
    /// newest segment did not download (null when it did, or when it was downloaded at an earlier look).
    /// </summary>
    public sealed record Playlist(PlaylistPosition? Position, long MediaSequence, TimeSpan TargetDuration, bool Ended, string? SegmentProblem) : PlaybackLook;

    /// <summary>No playlist: an HTTP error, a timeout, or not an HLS playlist. <paramref name="Problem"/> names no URL.</summary>
    public sealed record Unreachable(string Problem) : PlaybackLook;
}

/// <param name="WatchingSince">When the watch began (the class's start).</param>
/// <param name="Position">The position last seen advancing (or the first look's: the baseline, which is not an advance).</param>
/// <param name="AdvancedAt">When it last advanced; null before the first advance.</param>
/// <param name="StaleSince">While stale: since when nothing advanced (the last advance, or the watch's start).</param>
/// <param name="TargetDuration">The playlist's <c>EXT-X-TARGETDURATION</c>, as last read.</param>
public sealed record PlaybackState(
    PlaybackPhase Phase,
    DateTimeOffset WatchingSince,
    PlaylistPosition? Position = null,
    DateTimeOffset? AdvancedAt = null,
    DateTimeOffset? StaleSince = null,
    TimeSpan TargetDuration = default);

/// <summary>What the watch reports in answer to a look.</summary>
public abstract record PlaybackVerdict
{
    /// <summary>The playlist moved on and its newest segment downloaded.</summary>
    public sealed record Advanced : PlaybackVerdict;

    /// <summary>The first advance since the watch began, <paramref name="After"/> it began.</summary>
    public sealed record Live(TimeSpan After) : PlaybackVerdict;

    /// <summary>Nothing advanced since <paramref name="Since"/>; <paramref name="Why"/> in words that name no URL.</summary>
    public sealed record WentStale(DateTimeOffset Since, string Why) : PlaybackVerdict;

    /// <summary>It advances again, after <paramref name="StaleFor"/> (from the last advance to this one).</summary>
    public sealed record Recovered(TimeSpan StaleFor) : PlaybackVerdict;
}
