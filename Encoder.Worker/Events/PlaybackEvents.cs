namespace Encoder.Events;

// The playback watch's events (Playback/PlaybackWatch: the CDN's live playlist as viewers get it). A report, never a
// control: nothing that acts on the stream subscribes. Problems are redacted and name no URL.

/// <summary>The class is on air: the watch begins looking at <c>Encoder:Playback:LiveUrl</c>.</summary>
public sealed record PlaybackWatchBegan(DateTimeOffset At) : ClassEvent(At);

/// <summary>
/// One look: the media playlist's <paramref name="MediaSequence"/> (null when none was read), whether it
/// <paramref name="Advanced"/> (a new newest segment, downloaded), and what went wrong (null when nothing did).
/// </summary>
public sealed record PlaybackChecked(DateTimeOffset At, long? MediaSequence, bool Advanced, string? Problem) : ClassEvent(At);

/// <summary>The playlist advanced for the first time, <paramref name="After"/> the watch began.</summary>
public sealed record PlaybackLive(DateTimeOffset At, TimeSpan After) : ClassEvent(At);

/// <summary>Nothing has advanced since <paramref name="Since"/>: viewers get a stalled (or no) stream.</summary>
public sealed record PlaybackStale(DateTimeOffset At, DateTimeOffset Since, string Why) : ClassEvent(At);

/// <summary>The playlist advances again, after <paramref name="StaleFor"/> without.</summary>
public sealed record PlaybackRecovered(DateTimeOffset At, TimeSpan StaleFor) : ClassEvent(At);

/// <summary>The class is over (the daemon stops): the watch ends, and what the CDN does from now on is not reported.</summary>
public sealed record PlaybackWatchEnded(DateTimeOffset At) : ClassEvent(At);
