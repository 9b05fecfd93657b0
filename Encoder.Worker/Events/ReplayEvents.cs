namespace Encoder.Events;

// The replay's events: published by Replay/ReplayPictures.

/// <summary>The replay's poster is stored under <paramref name="Key"/> (the full object key): a <paramref name="Width"/> × <paramref name="Height"/> JPEG of <paramref name="Bytes"/>, picked at <paramref name="VodSeconds"/> of the VOD.</summary>
public sealed record ReplayPosterStored(DateTimeOffset At, string Key, int Width, int Height, long Bytes, double VodSeconds) : ClassEvent(At);
