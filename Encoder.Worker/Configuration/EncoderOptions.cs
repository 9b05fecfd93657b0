namespace Encoder.Configuration;

/// <summary>Everything one class needs, bound from the <c>Encoder</c> configuration section.</summary>
/// <remarks>Every default is written here and in README's configuration table; <see cref="ConfigurationKeys"/> lists the keys.</remarks>
public sealed record EncoderOptions
{
    public const string SectionName = "Encoder";

    /// <summary>Names the recording; letters, digits, '.', '_' and '-' only. Required.</summary>
    public string SessionId { get; set; } = "";

    public CameraOptions Camera { get; set; } = new();
    public IngestOptions Ingest { get; set; } = new();
    public RecordingOptions Recording { get; set; } = new();
    public VideoOptions Video { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public SessionOptions Session { get; set; } = new();
    public FfmpegOptions Ffmpeg { get; set; } = new();
    public LoggingOptions Logging { get; set; } = new();
    public StatusOptions Status { get; set; } = new();
    public SelfTerminateOptions SelfTerminate { get; set; } = new();

    /// <summary>How long the whole stop (FFmpeg flush, upload drain, termination) may take. The default value is 2 minutes.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed record CameraOptions
{
    /// <summary>The camera's <c>rtsp://</c> URL, optionally with <c>user:password@</c>. Required.</summary>
    public string Url { get; set; } = "";

    /// <summary>RTSP socket timeout; FFmpeg gives up on a silent camera after about twice this. The default value is 5 seconds.</summary>
    public int TimeoutSeconds { get; set; } = 5;
}

public sealed record IngestOptions
{
    /// <summary>The CDN's primary slot, <c>rtmp://</c> or <c>rtmps://host[:port]/app/streamkey</c>. Required.</summary>
    public string Primary { get; set; } = "";

    /// <summary>The CDN's secondary (fallback) slot, same form as <see cref="Primary"/>. Optional.</summary>
    public string? Secondary { get; set; }

    /// <summary><c>failover</c> streams to one slot at a time; <c>redundant</c> to both at once. The default value is failover.</summary>
    public IngestMode Mode { get; set; } = IngestMode.Failover;

    /// <summary>While on the secondary, how often the primary is probed. The default value is 2 seconds.</summary>
    public double ProbeIntervalSeconds { get; set; } = 2;

    /// <summary>How long the primary must answer probes before the stream returns to it. The default value is 30 seconds.</summary>
    public double ReturnWindowSeconds { get; set; } = 30;
}

public enum IngestMode
{
    Failover,
    Redundant,
}

public sealed record RecordingOptions
{
    /// <summary>Where HLS segments are written, one folder per session. The default value is <c>/var/lib/encoder/recordings</c>.</summary>
    public string Directory { get; set; } = "/var/lib/encoder/recordings";

    /// <summary>Target HLS segment length. The default value is 6 seconds.</summary>
    public int SegmentSeconds { get; set; } = 6;

    /// <summary>The disk guard warns when the recording disk's free space falls below this share of its size (and logs errors below half of it). The default value is 15 percent.</summary>
    public double LowDiskWarningPercent { get; set; } = 15;
}

public enum VideoMode
{
    Copy,
    Transcode,
}

public sealed record VideoOptions
{
    /// <summary><c>copy</c> passes the camera's H.264 through; <c>transcode</c> re-encodes with libx264. The default value is copy.</summary>
    public VideoMode Mode { get; set; } = VideoMode.Copy;

    /// <summary>libx264 preset when transcoding. The default value is veryfast.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>Video bitrate when transcoding. The default value is 4500 kbit/s.</summary>
    public int BitrateKbps { get; set; } = 4500;
}

public enum StorageKind
{
    Local,
    S3,
}

public sealed record StorageOptions
{
    /// <summary><c>local</c> copies into <see cref="Directory"/>; <c>s3</c> uploads to a bucket. The default value is local.</summary>
    public StorageKind Kind { get; set; } = StorageKind.Local;

    /// <summary>The local storage folder. The default value is <c>/var/lib/encoder/storage</c>.</summary>
    public string Directory { get; set; } = "/var/lib/encoder/storage";

    /// <summary>The S3 bucket. Required when <see cref="Kind"/> is s3.</summary>
    public string? Bucket { get; set; }

    /// <summary>Prepended to every key: objects go to <c>{Prefix}{SessionId}/...</c>. The default value is <c>recordings/</c>.</summary>
    public string Prefix { get; set; } = "recordings/";

    /// <summary>The bucket's region (e.g. eu-west-1). Optional: the default AWS chain (AWS_REGION, the instance's metadata) otherwise.</summary>
    public string? Region { get; set; }

    /// <summary>An S3-compatible endpoint (Ceph RGW, MinIO, moto), addressed path-style. Optional: AWS itself otherwise.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>When the SDK adds request checksums: WhenSupported (AWS's default) or WhenRequired (for stores such as Ceph RGW that reject trailing checksums). The default value is WhenSupported.</summary>
    public ChecksumCalculation RequestChecksumCalculation { get; set; } = ChecksumCalculation.WhenSupported;

    /// <summary>How long one request (one PUT, one part) may take before it is abandoned and retried. The default value is 30 seconds.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Delete each local segment once its upload is verified. The default value is false: the local recording stays whole.</summary>
    public bool DeleteLocalAfterUpload { get; set; }
}

public enum ChecksumCalculation
{
    WhenSupported,
    WhenRequired,
}

public sealed record SessionOptions
{
    /// <summary>When the class starts; an instance booted earlier waits and starts FFmpeg only then. Optional (start at once).</summary>
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>When the class ends; the daemon then stops exactly as on SIGTERM. Optional.</summary>
    public DateTimeOffset? EndsAt { get; set; }

    /// <summary>A hard cap on how long the daemon streams, counted from <see cref="StartsAt"/> or the daemon's start, whichever is later. Optional.</summary>
    public TimeSpan? MaxDuration { get; set; }
}

public sealed record FfmpegOptions
{
    /// <summary>The ffmpeg executable. The default value is <c>ffmpeg</c> (looked up on PATH).</summary>
    public string Path { get; set; } = "ffmpeg";

    /// <summary>How long FFmpeg may take to finish its last segment after being asked to stop, before it is interrupted and then killed. The default value is 10 seconds.</summary>
    public int StopTimeoutSeconds { get; set; } = 10;

    /// <summary>The first restart delay after FFmpeg exits unexpectedly (±20 % jitter); it doubles up to <see cref="MaxRestartDelaySeconds"/>. The default value is 0.5 seconds.</summary>
    public double RestartDelaySeconds { get; set; } = 0.5;

    /// <summary>FFmpeg alive but not progressing for this long is killed and restarted (or failed over). The default value is 5 seconds.</summary>
    public double StallSeconds { get; set; } = 5;

    /// <summary>The cap on the restart delay. The default value is 10 seconds.</summary>
    public double MaxRestartDelaySeconds { get; set; } = 10;
}

public sealed record LoggingOptions
{
    /// <summary>Verbose, Debug, Information, Warning, Error or Fatal. The default value is Information.</summary>
    public string Level { get; set; } = "Information";

    /// <summary>Where the daemon's rolling log and FFmpeg's per-run logs go. The default value is the session's recording folder's <c>logs/</c>.</summary>
    public string? Directory { get; set; }
}

public sealed record StatusOptions
{
    /// <summary>Where the status JSON is rewritten every second. The default value is the session's recording folder's <c>status.json</c>.</summary>
    public string? Path { get; set; }

    /// <summary>How often a one-line status summary is logged. The default value is 60 seconds.</summary>
    public double LogIntervalSeconds { get; set; } = 60;
}

public sealed record SelfTerminateOptions
{
    /// <summary>Terminate this EC2 instance once the class has stopped and its recording is stored. The default value is false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Look the instance up and log what would be terminated, but terminate nothing. The default value is false.</summary>
    public bool DryRun { get; set; }

    /// <summary>Terminate even when the drain left uploads on this machine (they are then lost). The default value is false.</summary>
    public bool WithPendingUploads { get; set; }

    /// <summary>
    /// When TerminateInstances fails, run <c>shutdown -h now</c>: that terminates an instance launched with
    /// InstanceInitiatedShutdownBehavior=terminate (and only stops any other). The default value is false.
    /// </summary>
    public bool ShutdownFallback { get; set; }

    /// <summary>The whole termination step's budget (metadata, TerminateInstances with its retries, the fallback). The default value is 30 seconds.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// The instance metadata service. The default value is <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> when set, else
    /// <c>http://169.254.169.254</c>.
    /// </summary>
    public string? MetadataEndpoint { get; set; }
}
