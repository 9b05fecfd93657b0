namespace Encoder.Storage;

/// <summary>
/// The HTTP headers an object is stored with, chosen once here for every kind of object a class leaves: what a player
/// and a CDN in front of the bucket expect.
/// </summary>
public sealed record ObjectHeaders(string ContentType, string? CacheControl)
{
    /// <summary>A segment never changes once written: cache it for a year.</summary>
    public static readonly ObjectHeaders Segment = new("video/mp2t", "public, max-age=31536000, immutable");

    /// <summary>The playlist while the class runs grows every few seconds: a player must revalidate it.</summary>
    public static readonly ObjectHeaders LivePlaylist = new("application/vnd.apple.mpegurl", "no-cache");

    /// <summary>The final VOD playlist (with <c>#EXT-X-ENDLIST</c>); short caching, in case a re-drain replaces it.</summary>
    public static readonly ObjectHeaders FinalPlaylist = new("application/vnd.apple.mpegurl", "public, max-age=300");

    public static readonly ObjectHeaders Log = new("text/plain; charset=utf-8", "no-cache");

    public static readonly ObjectHeaders Manifest = new("application/json", "no-cache");
}
