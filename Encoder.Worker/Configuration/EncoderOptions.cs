using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Encoder.Configuration;

// Each setting is written once, here: its default is the initializer, its range a [Range] (checked by the generated
// EncoderOptionsRanges), its one-line doc a [Description] (docs/configuration.md's "meaning", kept equal by a test), and
// [DocumentedDefault] where the default is not a plain value. [ValidateObjectMembers] leads the generator into a
// section that has ranges (a test sets each range's bounds, so a missing one fails). EncoderSettings derives the key list from these records,
// in declaration order, which is docs/configuration.md's order. Rules that involve several settings stay in EncoderOptionsValidator.

/// <summary>Everything one class needs, bound from the <c>Encoder</c> configuration section.</summary>
public sealed record EncoderOptions
{
    public const string SectionName = "Encoder";

    [Description("Names the recording. Letters, digits, `.`, `_`, `-`, at most 128.")]
    [DocumentedDefault("*required*")]
    public string SessionId { get; set; } = "";

    [ValidateObjectMembers] public CameraOptions Camera { get; set; } = new();
    [ValidateObjectMembers] public IngestOptions Ingest { get; set; } = new();
    public TlsOptions Tls { get; set; } = new();
    [ValidateObjectMembers] public RecordingOptions Recording { get; set; } = new();
    [ValidateObjectMembers] public VideoOptions Video { get; set; } = new();
    [ValidateObjectMembers] public StorageOptions Storage { get; set; } = new();
    public AwsOptions Aws { get; set; } = new();
    public SessionOptions Session { get; set; } = new();

    [Description("The host's whole stop budget, split by `Lifecycle/StopBudget`: FFmpeg's flush, then the upload drain, then termination. At least `Ffmpeg:StopTimeoutSeconds` + 10 s, plus `SelfTerminate:TimeoutSeconds` when self-termination is enabled.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [ValidateObjectMembers] public SelfTerminateOptions SelfTerminate { get; set; } = new();
    [ValidateObjectMembers] public FfmpegOptions Ffmpeg { get; set; } = new();
    [ValidateObjectMembers] public MetricsOptions Metrics { get; set; } = new();
    public LoggingOptions Logging { get; set; } = new();
    [ValidateObjectMembers] public StatusOptions Status { get; set; } = new();
    [ValidateObjectMembers] public PlaybackOptions Playback { get; set; } = new();
    [ValidateObjectMembers] public ContentOptions Content { get; set; } = new();
    [ValidateObjectMembers] public ReplayOptions Replay { get; set; } = new();
}

public sealed record CameraOptions
{
    [Description("`rtsp://` or `rtsps://` (only with `Tls:Verify=false`: FFmpeg 5.1 cannot verify it), may carry `user:password@`. Pulled over TCP. Or `ssm:/path/name`, read from SSM Parameter Store at start (what `encoder launch` writes).")]
    [DocumentedDefault("*required*")]
    public string Url { get; set; } = "";

    [Description("RTSP socket timeout. A camera that stops sending is given up after about twice this; one that connects but sends no media, after this plus `Ffmpeg:StallSeconds`.")]
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 5;
}

public sealed record IngestOptions
{
    [Description("The CDN's primary slot: `rtmp://` or `rtmps://host[:port]/app/streamkey`, or an `ssm:/path/name` reference.")]
    [DocumentedDefault("*required*")]
    public string Primary { get; set; } = "";

    [Description("The fallback slot, same form.")]
    public string? Secondary { get; set; }

    [Description("`failover`: one slot at a time, primary first, the secondary when the primary fails. `redundant`: both slots at once, each recovering on its own.")]
    public IngestMode Mode { get; set; } = IngestMode.Failover;

    [Description("While on the secondary, how often the primary is probed (TCP connect + RTMP handshake; nothing is published).")]
    [Range(0.1, 60.0)]
    public double ProbeIntervalSeconds { get; set; } = 2;

    [Description("How long the primary must answer every probe before the stream returns to it.")]
    [Range(0.0, 3600.0)]
    public double ReturnWindowSeconds { get; set; } = 30;
}

public sealed record TlsOptions
{
    /// <summary>Debian's bundle of the system's trusted CAs (package ca-certificates).</summary>
    public const string SystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

    [Description("Verify the certificate of every `rtmps://` ingest, for the egresses and the probe alike: it must chain to a CA in `Tls:CaFile` and name the URL's host. `false` accepts any certificate (a lab ingest or camera) and logs a warning at start: anyone on the network path can then take the stream key. An `rtsps://` camera needs `false`: FFmpeg 5.1 cannot verify RTSP's TLS.")]
    public bool Verify { get; set; } = true;

    [Description("The CA certificates (PEM) an `rtmps://` ingest's certificate must chain to: the system's bundle by default; a file holding only your own CA pins it.")]
    public string CaFile { get; set; } = SystemCaFile;
}

public enum IngestMode
{
    Failover,
    Redundant,
}

public sealed record RecordingOptions
{
    [Description("HLS is written to `{Directory}/{SessionId}/`.")]
    public string Directory { get; set; } = "/var/lib/encoder/recordings";

    [Description("Target segment length. In copy mode segments are cut on the camera's keyframes.")]
    [Range(1, 60)]
    public int SegmentSeconds { get; set; } = 6;

    [Description("Below this share free, the disk guard deletes local segments storage already holds (oldest first) until it is met again; what it cannot free it warns about, and below half of it raises an ALERT naming the segments only this machine holds and the minutes left at the current rate, each minute.")]
    [Range(1.0, 90.0)]
    public double LowDiskWarningPercent { get; set; } = 15;
}

public enum VideoMode
{
    Auto,
    Copy,
    Transcode,
}

public sealed record VideoOptions
{
    [Description("`auto`: the camera is probed before each recorder run; H.264 passes through, anything FLV can't carry (HEVC, MJPEG …) is transcoded, with a warning. `copy` passes the camera's video through (an error is logged if it is not H.264). `transcode` always re-encodes with libx264, with a keyframe forced on every segment boundary.")]
    public VideoMode Mode { get; set; } = VideoMode.Auto;

    [Description("libx264 preset, when transcoding. `bench/transcode` measures what holds real time on a machine.")]
    public string Preset { get; set; } = "veryfast";

    [Description("Video bitrate when transcoding (VBV max rate the same, buffer twice).")]
    [Range(100, 50_000)]
    public int BitrateKbps { get; set; } = 4500;
}

public enum StorageKind
{
    Local,
    S3,
}

public sealed record StorageOptions
{
    [Description("`local` copies into `Storage:Directory`; `s3` uploads to `Storage:Bucket`.")]
    public StorageKind Kind { get; set; } = StorageKind.Local;

    [Description("The local storage folder (kind `local`). The recording goes to `{Directory}/{SessionId}/`.")]
    public string Directory { get; set; } = "/var/lib/encoder/storage";

    [Description("The S3 bucket. Credentials come from the default AWS chain (the instance profile on EC2, or `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`); they are never logged.")]
    [DocumentedDefault("*required for s3*")]
    public string? Bucket { get; set; }

    [Description("Put in front of every key: a class goes to `{Prefix}{SessionId}/`. Empty for the bucket's root; a missing trailing `/` is added.")]
    public string Prefix { get; set; } = "recordings/";

    [Description("The bucket's region (`eu-west-1`). Without it the default AWS chain decides (`AWS_REGION`, the instance's metadata).")]
    public string? Region { get; set; }

    [Description("An S3-compatible endpoint (Ceph RGW, Cloudflare R2, Backblaze B2, MinIO, moto), addressed path-style. No credentials in the URL. What each store needs: docs/operations.md, \"S3-compatible stores\".")]
    public string? ServiceUrl { get; set; }

    [Description("`WhenRequired` stops the SDK's default trailing CRC checksums (and response checksum validation), which Ceph RGW and some other stores reject (`XAmzContentSHA256Mismatch`); `WhenSupported` sends them. Unset, the AWS SDK's own setting decides (`AWS_REQUEST_CHECKSUM_CALCULATION`, `AWS_RESPONSE_CHECKSUM_VALIDATION`, the shared config file; else `WhenSupported`). Content-MD5 is sent either way.")]
    public ChecksumCalculation? RequestChecksumCalculation { get; set; }

    [Description("How long one request (a PUT, one part) may take before it is abandoned and retried.")]
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 30;

    [Description("Delete each local segment once its upload is verified and journaled. Playlist, logs and journal stay. Unset, it follows `Kind`: on for `s3` (the bucket holds the class; the instance's disk need not), off for `local` (the recording folder keeps its whole copy).")]
    [DocumentedDefault("`true` for s3, `false` for local")]
    public bool? DeleteLocalAfterUpload { get; set; }

    /// <summary><see cref="DeleteLocalAfterUpload"/> as set, else its default for <see cref="Kind"/>: on for S3 only. A method, not a setting.</summary>
    public bool DeletesLocalAfterUpload() => DeleteLocalAfterUpload ?? Kind == StorageKind.S3;
}

public enum ChecksumCalculation
{
    WhenSupported,
    WhenRequired,
}

public sealed record AwsOptions
{
    [Description("The class role (`arn:aws:iam::ACCOUNT:role/NAME`, `iam/encoder-class-policy.json`) the daemon assumes at start for S3 and SSM, with a session policy that reaches only `{Prefix}{SessionId}/` and `/encoder/{SessionId}/`. Unset, S3 and SSM use the default AWS chain (the instance role, which reaches every class; a warning on EC2). EC2 self-termination always uses the instance role.")]
    public string? ClassRoleArn { get; set; }
}

public sealed record SessionOptions
{
    [Description("ISO-8601 instant. An instance booted earlier starts every service but waits (logging when it will start) before starting FFmpeg. Must be before `EndsAt`.")]
    public DateTimeOffset? StartsAt { get; set; }

    [Description("ISO-8601 instant. When reached, the class ends: the daemon stops as on SIGTERM, and self-terminates if enabled. In the past at start only when this machine holds the session's recording (a late restart: it stores what is left and ends the class); else a configuration error.")]
    public DateTimeOffset? EndsAt { get; set; }

    [Description("`hh:mm:ss`, counted from `StartsAt` or the class's first start on this machine (a restart or a reboot does not move it), whichever is later. A hard cap, same stop path.")]
    public TimeSpan? MaxDuration { get; set; }
}

public sealed record SelfTerminateOptions
{
    [Description("After the stop (FFmpeg flushed, uploads drained), terminate this EC2 instance.")]
    public bool Enabled { get; set; }

    [Description("Look the instance up and log what would be terminated; terminate nothing.")]
    public bool DryRun { get; set; }

    [Description("Terminate even when the drain left uploads on this machine (they are lost). By default the instance is kept and an alert names what is left.")]
    public bool WithPendingUploads { get; set; }

    [Description("If TerminateInstances fails on a confirmed EC2 instance, exit with code 5, which `encoder.service` turns into a poweroff; EC2 then terminates an instance launched with InstanceInitiatedShutdownBehavior=terminate (any other only stops). Never with uploads pending, unless `WithPendingUploads`. Outside the unit, only the exit code.")]
    public bool ShutdownFallback { get; set; }

    [Description("The whole termination step's budget (metadata, TerminateInstances with retries, fallback): the last slice of `ShutdownTimeout` when enabled.")]
    [Range(5, 300)]
    public int TimeoutSeconds { get; set; } = 30;

    [Description("The instance metadata service (IMDSv2 only).")]
    [DocumentedDefault("`$AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254`")]
    public string? MetadataEndpoint { get; set; }
}

public sealed record FfmpegOptions
{
    [Description("The FFmpeg executable. The camera is probed with the `ffprobe` beside it (on PATH when this is a bare name).")]
    public string Path { get; set; } = "ffmpeg";

    [Description("How long FFmpeg may take to finish its last segment after `q` before SIGINT (then a second SIGINT 1 s later, and SIGKILL 3 s after the first).")]
    [Range(1, 300)]
    public int StopTimeoutSeconds { get; set; } = 10;

    [Description("First restart delay after FFmpeg exits (±20 % jitter). It doubles per consecutive failure.")]
    [Range(0.0, 300.0, MinimumIsExclusive = true)]
    public double RestartDelaySeconds { get; set; } = 0.5;

    [Description("FFmpeg alive but not progressing for this long is killed: the recorder restarted, an egress failed over.")]
    [Range(1.0, 120.0)]
    public double StallSeconds { get; set; } = 5;

    [Description("The cap on the restart delay: at least `RestartDelaySeconds`, at most 600.")]
    public double MaxRestartDelaySeconds { get; set; } = 10;
}

public sealed record MetricsOptions
{
    [Description("Send CloudWatch metrics (Embedded Metric Format) to the CloudWatch agent. `dev/demo` turns it off.")]
    public bool Enabled { get; set; } = true;

    [Description("The agent's EMF listener: `tcp://host:port` or `udp://host:port`.")]
    [DocumentedDefault("`$AWS_EMF_AGENT_ENDPOINT`, else `tcp://127.0.0.1:25888`")]
    public string? Endpoint { get; set; }

    [Description("How often the figures are aggregated and sent (one document for the class, one per ingest slot).")]
    [Range(1.0, 3600.0)]
    public double IntervalSeconds { get; set; } = 10;
}

public sealed record LoggingOptions
{
    [Description("`Verbose`, `Debug`, `Information`, `Warning`, `Error` or `Fatal`.")]
    public string Level { get; set; } = "Information";

    [Description("The daemon's rolling `encoder.log` and one FFmpeg log per run.")]
    [DocumentedDefault("`{Recording}/{SessionId}/logs`")]
    public string? Directory { get; set; }

    [Description("`text`, or `json`: one compact JSON object per line (`@t`, `@l`, `@m` the rendered message, `@x` the exception, then the properties, as in Serilog's compact format), redacted, on the console and in `encoder.log`, for log shippers. The levels come from the standard `Logging:LogLevel:Default` and `Logging:LogLevel:{Category}`.")]
    public LogFormat Format { get; set; } = LogFormat.Text;
}

public enum LogFormat
{
    Text,
    Json,
}

public sealed record StatusOptions
{
    [Description("The status snapshot, rewritten atomically every second.")]
    [DocumentedDefault("`{Recording}/{SessionId}/status.json`")]
    public string? Path { get; set; }

    [Description("How often a one-line status summary is logged.")]
    [Range(1.0, 86400.0)]
    public double LogIntervalSeconds { get; set; } = 60;

    [Description("With `Storage:Kind=s3`, how often the status snapshot is also stored as `status.json` in the session's folder (private, `no-cache`), for a CMS to read during the class. Skipped while storage is away, never queued.")]
    [Range(1.0, 3600.0)]
    public double UploadIntervalSeconds { get; set; } = 15;
}

public sealed record PlaybackOptions
{
    [Description("Where the stored recording is played from (e.g. `https://d111111abcdef8.cloudfront.net`, a CDN in front of the bucket): `session.json` then names `playbackUrl` = this + `/` + the playlist's key.")]
    public string? BaseUrl { get; set; }

    [Description("The CDN's HLS playback URL of the live stream (`https://…/index.m3u8`, a master playlist or a media playlist; a token goes in its query, which the logs redact). While the class is on air the daemon checks that its media sequence advances and its newest segment downloads: `PlaybackUp`, `PlaybackStaleSeconds`, `status.json`'s `playback`. A report, never a failover. Unset, nothing is watched.")]
    public string? LiveUrl { get; set; }

    [Description("How often the live playlist is fetched (a conditional GET; a master playlist's first variant too).")]
    [Range(0.5, 60.0)]
    public double CheckIntervalSeconds { get; set; } = 2;

    [Description("Each request's timeout: the playlist, its variant, the newest segment's first kilobyte.")]
    [Range(0.5, 30.0)]
    public double RequestTimeoutSeconds { get; set; } = 2;

    [Description("Playback is stale once no new segment has come (listed and downloaded) for this long, or for twice the playlist's `EXT-X-TARGETDURATION` when that is longer.")]
    [Range(2.0, 600.0)]
    public double StaleSeconds { get; set; } = 12;

    [Description("From the class's start, how long the CDN may take to serve its first new segment (the ingest connecting, the CDN packaging) before playback counts as stale.")]
    [Range(0.0, 3600.0)]
    public double StartGraceSeconds { get; set; } = 30;
}

/// <summary>
/// The content watch (<c>Content/ContentWatch</c>): what counts as a black or frozen picture and a silent sound, and for how
/// long before it is reported. The defaults report within about 10 s (status.json, the metrics, a WARN) and suit a
/// fitness studio: room tone between exercises is not silence, a dim studio is not black, and the alarms wait longer
/// (30 s for the picture, a minute for the sound: docs/operations.md), so a held pose or a pause does not page anyone.
/// </summary>
public sealed record ContentOptions
{
    [Description("Watch what the viewers get: a small FFmpeg reads the relay like an egress (decoding only keyframes, small, and the sound) and reports a black or frozen picture and silence (status.json `content`, the `VideoBlackSeconds`, `VideoFrozenSeconds` and `AudioSilentSeconds` metrics, a WARN when one starts). `false` runs no watch.")]
    public bool Enabled { get; set; } = true;

    [Description("A keyframe is black when nine tenths of its pixels are at or below this luma (8-bit; video black is 16, full-range black 0). 32 is dark grey: a dim studio is well above it, a lens cap or a dead source below, an on-screen clock on black does not lift it.")]
    [Range(0.0, 255.0)]
    public double BlackMaxLuma { get; set; } = 32;

    [Description("How long the picture must stay black before it is reported (and counted from its first black keyframe). A cut to black is never part of a class.")]
    [Range(0.0, 3600.0)]
    public double BlackMinSeconds { get; set; } = 5;

    [Description("A keyframe is frozen when its luma changed by at most this much on average since the keyframe before (8-bit, measured on a 64-pixel-wide thumbnail, where noise averages out): a camera sending the same frame measures 0, a moving instructor several units.")]
    [Range(0.0, 255.0)]
    public double FrozenMaxChange { get; set; } = 0.5;

    [Description("How long the picture must stay frozen before it is reported (with a keyframe each 2 s, seen within about 10 s). A black picture is reported black, not frozen. A pose held still may be reported; the alarm waits 30 s.")]
    [Range(0.0, 3600.0)]
    public double FrozenMinSeconds { get; set; } = 6;

    [Description("The sound is silent when its RMS level over half a second is at or below this, in dBFS. -60 is below a studio's room tone through an open microphone (about -50), above a dead microphone or a muted mixer (digital silence, or hiss near -70).")]
    [Range(-120.0, 0.0)]
    public double SilentMaxDbfs { get; set; } = -60;

    [Description("How long the sound must stay silent before it is reported (seen within about 10 s). A pause between exercises with the microphone open is not silent (room tone is above the level); with the mixer muted it may be reported, and the alarm waits a minute.")]
    [Range(0.0, 3600.0)]
    public double SilentMinSeconds { get; set; } = 8;
}

public sealed record ReplayOptions
{
    [Description("Build the replay beside the HLS VOD: one MP4 of the whole class (remuxed as segments are stored, uploaded in parts during the class, its index put in front at the end), listed in `session.json`'s `replay`.")]
    public bool Enabled { get; set; } = true;

    [Description("The MP4's upload part size: segments' media is gathered until this much, then sent as one part (S3 wants at least 5 MiB per part but the last, and at most 10,000 parts).")]
    [Range(5, 512)]
    public int PartMebibytes { get; set; } = 8;

    [Description("Where the replay's poster is looked for, in seconds of the VOD: past a camera waking up and the class's first minutes. The poster is the keyframe of the window (`PosterWindowSeconds` from here) with the widest luma spread that is not black (`Content:BlackMaxLuma`), stored as soon as the recording passes the window's end (`replay/poster.jpg`, shown in status.json while live); a class that ends before gets the best of what it has. Follows `Enabled`.")]
    [Range(0.0, 86400.0)]
    public double PosterAtSeconds { get; set; } = 180;

    [Description("How long the poster's window lasts from `PosterAtSeconds` (its keyframes are the candidates).")]
    [Range(0.0, 3600.0)]
    public double PosterWindowSeconds { get; set; } = 30;

    [Description("The storyboard's interval: one tile (160 px wide, from the keyframe at or before it) every this many seconds of the VOD, in JPEG sprite sheets of 10x10 tiles (`replay/sprite-N.jpg`, a full one stored as soon as it fills) and a WebVTT file whose cues cover the VOD (`replay/storyboard.vtt`, at the class's end). Follows `Enabled`.")]
    [Range(1.0, 3600.0)]
    public double StoryboardSeconds { get; set; } = 10;
}
