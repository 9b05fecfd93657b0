namespace Encoder.Configuration;

/// <summary>
/// The configuration contract: every key under <c>Encoder:</c> that the daemon reads. Unknown keys (typos) are
/// rejected against this list at start, and a test checks that README documents each one and that each one binds.
/// </summary>
public static class ConfigurationKeys
{
    public static readonly IReadOnlyList<string> All =
    [
        "SessionId",
        "ShutdownTimeout",
        "Camera:Url",
        "Camera:TimeoutSeconds",
        "Ingest:Primary",
        "Ingest:Secondary",
        "Recording:Directory",
        "Recording:SegmentSeconds",
        "Recording:LowDiskWarningPercent",
        "Video:Mode",
        "Video:Preset",
        "Video:BitrateKbps",
        "Storage:Kind",
        "Storage:Directory",
        "Storage:Bucket",
        "Storage:Prefix",
        "Storage:Region",
        "Storage:ServiceUrl",
        "Storage:RequestChecksumCalculation",
        "Storage:RequestTimeoutSeconds",
        "Storage:DeleteLocalAfterUpload",
        "Session:EndsAt",
        "Session:MaxDuration",
        "Ffmpeg:Path",
        "Ffmpeg:StopTimeoutSeconds",
        "Ffmpeg:RestartDelaySeconds",
        "Ffmpeg:MaxRestartDelaySeconds",
        "Logging:Level",
        "Logging:Directory",
    ];

    /// <summary>The full key as an operator writes it, e.g. <c>Encoder:Camera:Url</c>.</summary>
    public static string Full(string key) => $"{EncoderOptions.SectionName}:{key}";
}
