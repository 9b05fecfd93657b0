namespace Encoder.Storage;

/// <summary>One stored object of the replay, as <c>session.json</c> lists it: its full key, size, content type and (for media) duration.</summary>
public sealed record ReplayObject(string Key, long Size, string ContentType, double? DurationSeconds = null);

/// <summary>The replay's poster (<c>Replay/ReplayPictures</c>): a JPEG at the camera's own size.</summary>
public sealed record ReplayPoster(string Key, long Size, string ContentType, int Width, int Height);

/// <summary>
/// The replay's storyboard (<c>Replay/ReplayPictures</c>): the WebVTT file whose cues (<c>sprite-N.jpg#xywh=x,y,w,h</c>, relative to
/// it) cover the VOD, and the sprite sheets, each <paramref name="Columns"/> × <paramref name="Rows"/> tiles of
/// <paramref name="TileWidth"/> × <paramref name="TileHeight"/>, one tile every <paramref name="IntervalSeconds"/> (the last sheet may have fewer rows).
/// </summary>
public sealed record ReplayStoryboard(ReplayObject Vtt, IReadOnlyList<ReplayObject> Sprites, double IntervalSeconds, int TileWidth, int TileHeight, int Columns, int Rows);

/// <summary>
/// <c>session.json</c>'s <c>replay</c>: each object, or null with the reason it is missing (<c>mp4Problem</c>, <c>posterProblem</c>, <c>storyboardProblem</c>).
/// </summary>
public sealed record ReplayManifest(ReplayObject? Mp4, string? Mp4Problem = null,
    ReplayPoster? Poster = null, string? PosterProblem = null, ReplayStoryboard? Storyboard = null, string? StoryboardProblem = null);

/// <summary>What finishing the replay gave: what <c>session.json</c> lists, and the store keys (<c>{SessionId}/…</c>) it could not store yet.</summary>
public sealed record ReplayOutcome(ReplayManifest Manifest, IReadOnlyList<string> NotStored)
{
    public static ReplayOutcome Missing(string reason) => new(new ReplayManifest(null, reason), []);
}

/// <summary>
/// The replay (the MP4 of the whole class, <c>Replay/ReplayBuilder</c>) as the drain sees it: finished in the final pass just
/// before <c>session.json</c>, so the manifest that tells a CMS the recording is ready lists it. It never throws and is
/// bounded in time: a replay that cannot be made is a reason in <c>session.json</c>, never a VOD or manifest held back;
/// one that storage could not take (yet) is left, with the segments, in the drain's pending set.
/// </summary>
public interface IReplayFinisher
{
    Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken);

    /// <summary>The multipart upload an earlier run of this class began and this run goes on with: not one to clean up.</summary>
    string? ContinuedUpload { get; }
}
