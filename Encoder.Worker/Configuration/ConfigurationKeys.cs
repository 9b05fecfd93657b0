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
        "Ingest:Mode",
        "Ingest:ProbeIntervalSeconds",
        "Ingest:ReturnWindowSeconds",
        "Recording:Directory",
        "Recording:SegmentSeconds",
        "Recording:LowDiskWarningPercent",
        "Video:Mode",
        "Video:Preset",
        "Video:BitrateKbps",
        "Storage:Kind",
        "Storage:Directory",
        "Session:StartsAt",
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
        "Ffmpeg:StallSeconds",
        "Logging:Level",
        "Logging:Directory",
        "Status:Path",
        "Status:LogIntervalSeconds",
        "SelfTerminate:Enabled",
        "SelfTerminate:DryRun",
        "SelfTerminate:WithPendingUploads",
        "SelfTerminate:ShutdownFallback",
        "SelfTerminate:TimeoutSeconds",
        "SelfTerminate:MetadataEndpoint",
    ];

    /// <summary>The full key as an operator writes it, e.g. <c>Encoder:Camera:Url</c>.</summary>
    public static string Full(string key) => $"{EncoderOptions.SectionName}:{key}";
}
