namespace Encoder.Storage;

/// <summary>
/// How a class is laid out in storage, decided here only: <c>{Prefix}{SessionId}/</c> holds the segments,
/// <c>index.m3u8</c>, <c>logs/</c>, <c>session.json</c> and, during the class, <c>status.json</c>.
/// </summary>
public static class StorageKeys
{
    public const string PlaylistName = "index.m3u8";
    public const string ManifestName = "session.json";
    public const string StatusName = "status.json";
    public const string LogFolder = "logs/";

    /// <summary>The replay MP4 of the whole class (<c>Replay/ReplayBuilder</c>).</summary>
    public const string ReplayMp4Name = "replay/recording.mp4";

    /// <summary>The replay's poster (<c>Replay/ReplayPictures</c>).</summary>
    public const string ReplayPosterName = "replay/poster.jpg";

    /// <summary>The replay's storyboard: its WebVTT file, whose cues name the sprite sheets beside it (<see cref="ReplaySpriteName"/>).</summary>
    public const string ReplayStoryboardName = "replay/storyboard.vtt";

    /// <summary>A storyboard sprite sheet's name beside the VTT (its cues name it so), <paramref name="sheet"/> from 0.</summary>
    public static string ReplaySpriteFile(int sheet) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sprite-{sheet}.jpg");

    /// <summary>A storyboard sprite sheet's name in the session's folder.</summary>
    public static string ReplaySpriteName(int sheet) => "replay/" + ReplaySpriteFile(sheet);

    /// <summary>The store-relative key of a file of the session (e.g. <c>seg_00001.ts</c> → <c>class-9/seg_00001.ts</c>).</summary>
    public static string For(string sessionId, string name) => $"{sessionId}/{name}";

    public static string Log(string sessionId, string fileName) => For(sessionId, LogFolder + fileName);

    /// <summary>The session's folder, for recovery listings.</summary>
    public static string SessionFolder(string sessionId) => $"{sessionId}/";

    /// <summary>The configured prefix as it goes in front of a key: empty, or ending in exactly one '/'.</summary>
    public static string NormalizePrefix(string? prefix) =>
        string.IsNullOrEmpty(prefix) ? "" : prefix.TrimEnd('/') + "/";

    /// <summary>The full object key in the bucket.</summary>
    public static string ObjectKey(string? prefix, string key) => NormalizePrefix(prefix) + key;
}
