namespace Encoder.Tests.Launch;

/// <summary>One sample class, as the CMS would launch it, at a fixed "now".</summary>
internal static class LaunchSamples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    public const string CameraPassword = "cam-s3cret";
    public const string StreamKey = "primary-stream-key";

    public static List<string> Args(params string[] extra) =>
    [
        "--session-id", "yoga-2026-11-23-1800",
        "--camera-url", $"rtsp://viewer:{CameraPassword}@10.0.0.5:554/stream1",
        "--ingest-primary", $"rtmp://a.rtmp.example.com/live/{StreamKey}",
        "--ends-at", "2026-11-23T19:00:00Z",
        "--bucket", "studio-recordings",
        "--ami", "ami-0123456789abcdef0",
        "--instance-profile", "encoder-class",
        .. extra,
    ];

    /// <summary>The sample's arguments without the option (and its value) named.</summary>
    public static List<string> ArgsWithout(string flag)
    {
        var args = Args();
        var at = args.IndexOf(flag);
        args.RemoveRange(at, 2);
        return args;
    }

    /// <summary>The sample's arguments with one option's value replaced.</summary>
    public static List<string> ArgsWith(string flag, string value)
    {
        var args = Args();
        var at = args.IndexOf(flag);
        if (at < 0)
            return Args(flag, value);
        args[at + 1] = value;
        return args;
    }
}
