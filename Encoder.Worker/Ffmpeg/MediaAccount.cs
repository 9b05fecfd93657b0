namespace Encoder.Ffmpeg;

/// <summary>The user FFmpeg and ffprobe run as, when the daemon can switch to it: <c>encoder-media</c> on the AMI.</summary>
public sealed record MediaAccount(string Name, int Uid, int Gid)
{
    public const string DefaultName = "encoder-media";

    /// <summary>The account by name; null where there is none.</summary>
    public static MediaAccount? Find(string name = DefaultName) =>
        MediaNative.User(name) is var (uid, gid) ? new MediaAccount(name, uid, gid) : null;
}
