using Encoder.Events;

namespace Encoder.Status;

/// <summary>
/// status.json's <c>playback</c>, kept from the playback watch's events (<see cref="PlaybackWatchBegan"/>,
/// <see cref="PlaybackChecked"/>, <see cref="PlaybackLive"/>, <see cref="PlaybackStale"/>, <see cref="PlaybackRecovered"/>,
/// <see cref="PlaybackWatchEnded"/>); not thread-safe (<see cref="EncoderStatus"/> locks).
/// </summary>
internal sealed class PlaybackStatus
{
    private PlaybackSnapshot? _playback; // null until the watch begins: no playback URL, or not on air yet
    private DateTimeOffset? _staleSince;

    /// <summary>Takes the event if it is the watch's; true when the playback's state changed (the status is written at once then).</summary>
    public bool Hear(ClassEvent happened) => happened switch
    {
        PlaybackWatchBegan => Update(p => p with { State = "waiting" }, staleSince: null),
        PlaybackChecked checkedNow => Update(p => p with
        {
            MediaSequence = checkedNow.MediaSequence ?? p.MediaSequence,
            LastAdvanceAt = checkedNow.Advanced ? checkedNow.At : p.LastAdvanceAt,
            LastCheckAt = checkedNow.At,
            LastError = checkedNow.Problem,
        }, _staleSince),
        PlaybackLive or PlaybackRecovered => Update(p => p with { State = "up" }, staleSince: null),
        PlaybackStale stale => Update(p => p with { State = "stale" }, stale.Since),
        PlaybackWatchEnded => Update(p => p with { State = "ended" }, staleSince: null),
        _ => false,
    };

    /// <summary>The snapshot at <paramref name="now"/>, how long it has been stale included; null while the watch has not begun.</summary>
    public PlaybackSnapshot? ToSnapshot(DateTimeOffset now) =>
        _playback is { } playback
            ? playback with { StaleSeconds = _staleSince is { } since ? Math.Round((now - since).TotalSeconds, 1) : 0 }
            : null;

    private bool Update(Func<PlaybackSnapshot, PlaybackSnapshot> change, DateTimeOffset? staleSince)
    {
        var before = _playback ?? new PlaybackSnapshot("waiting", 0, null, null, null, null);
        _playback = change(before);
        _staleSince = staleSince;
        return _playback.State != before.State;
    }
}
