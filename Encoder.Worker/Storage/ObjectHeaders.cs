namespace Encoder.Storage;

/// <summary>
/// The HTTP headers an object is stored with, chosen once here for every kind of object a class leaves: what a player
/// and a CDN in front of the bucket expect. Only the media is public: the logs and <c>session.json</c> describe the
/// camera, the ingest and the instance, so no shared cache may keep them (<see cref="PrivateCacheControl"/>).
/// </summary>
public sealed record ObjectHeaders(string ContentType, string? CacheControl)
{
    /// <summary>
    /// True for what is written once and never replaced (a segment): the put is conditional (<c>If-None-Match: *</c> on S3, a
    /// no-clobber rename in a folder), so an object already under the key is refused (<see cref="StorageUnavailableException.Exists"/>),
    /// never overwritten. The playlist, the logs, <c>session.json</c> and <c>status.json</c> are rewritten as the class goes on.
    /// </summary>
    public bool NeverReplaced { get; init; }

    /// <summary>
    /// For what only the class's owner reads: a CDN or proxy must not store it (<c>private</c>), and a browser must revalidate
    /// it (<c>no-cache</c>). Written in the order the SDK's HTTP client sends (and S3 stores) the directives.
    /// </summary>
    public const string PrivateCacheControl = "no-cache, private";

    /// <summary>A segment never changes once written: cache it for a year; and never replace one storage holds.</summary>
    public static readonly ObjectHeaders Segment = new("video/mp2t", "public, max-age=31536000, immutable") { NeverReplaced = true };

    /// <summary>The playlist while the class runs grows every few seconds: a player must revalidate it.</summary>
    public static readonly ObjectHeaders LivePlaylist = new("application/vnd.apple.mpegurl", "no-cache");

    /// <summary>The final VOD playlist (with <c>#EXT-X-ENDLIST</c>); short caching, in case a re-drain replaces it.</summary>
    public static readonly ObjectHeaders FinalPlaylist = new("application/vnd.apple.mpegurl", "public, max-age=300");

    /// <summary>The daemon's and FFmpeg's logs (redacted, but still the class's private record).</summary>
    public static readonly ObjectHeaders Log = new("text/plain; charset=utf-8", PrivateCacheControl);

    /// <summary><c>status.json</c> while the class runs: rewritten every few seconds, read by the CMS.</summary>
    public static readonly ObjectHeaders Status = new("application/json", PrivateCacheControl);

    /// <summary><c>session.json</c>.</summary>
    public static readonly ObjectHeaders Manifest = new("application/json", PrivateCacheControl);

    /// <summary>The replay MP4: public media, written once at the class's end (a re-drain may write it again: a day's caching).</summary>
    public static readonly ObjectHeaders ReplayMp4 = new("video/mp4", "public, max-age=86400");

    /// <summary>
    /// The replay's poster: public, stored during the class once chosen (the CMS shows it live); short caching, since a
    /// restarted daemon chooses again and may replace it.
    /// </summary>
    public static readonly ObjectHeaders ReplayPoster = new("image/jpeg", "public, max-age=300");

    /// <summary>A storyboard sprite sheet: public, written once (a full sheet during the class, the last at its end; a re-drain may write it again: a day's caching).</summary>
    public static readonly ObjectHeaders StoryboardSprite = new("image/jpeg", "public, max-age=86400");

    /// <summary>The storyboard's WebVTT file: public, written once at the class's end (its cues need the VOD's end), like the MP4.</summary>
    public static readonly ObjectHeaders StoryboardVtt = new("text/vtt; charset=utf-8", "public, max-age=86400");
}
