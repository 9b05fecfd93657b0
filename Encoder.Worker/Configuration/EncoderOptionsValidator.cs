using System.Text.RegularExpressions;
using Serilog.Events;

namespace Encoder.Configuration;

/// <summary>Checks bound options; each problem is one line that starts with the key it is about.</summary>
public static partial class EncoderOptionsValidator
{
    private static readonly string[] X264Presets =
        ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"];

    public static IReadOnlyList<string> Validate(EncoderOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Fail(string key, string message) => errors.Add($"{ConfigurationKeys.Full(key)}: {message}");

        if (string.IsNullOrWhiteSpace(options.SessionId))
            Fail("SessionId", "is required (it names the recording)");
        else if (!SessionIdPattern().IsMatch(options.SessionId) || options.SessionId.Trim('.').Length == 0)
            Fail("SessionId", "may contain only letters, digits, '.', '_' and '-' (at most 128)");

        if (StreamUrl.Check(options.Camera.Url, ["rtsp", "rtsps"], requirePath: false) is { } cameraProblem)
            Fail("Camera:Url", cameraProblem);
        if (options.Camera.TimeoutSeconds is < 1 or > 120)
            Fail("Camera:TimeoutSeconds", "must be between 1 and 120");

        if (StreamUrl.Check(options.Ingest.Primary, ["rtmp", "rtmps"], requirePath: true) is { } primaryProblem)
            Fail("Ingest:Primary", primaryProblem);
        if (!string.IsNullOrEmpty(options.Ingest.Secondary))
        {
            if (StreamUrl.Check(options.Ingest.Secondary, ["rtmp", "rtmps"], requirePath: true) is { } secondaryProblem)
                Fail("Ingest:Secondary", secondaryProblem);
            else if (string.Equals(options.Ingest.Secondary, options.Ingest.Primary, StringComparison.Ordinal))
                Fail("Ingest:Secondary", "must differ from Encoder:Ingest:Primary");
        }

        if (options.Ingest.ProbeIntervalSeconds is < 0.1 or > 60)
            Fail("Ingest:ProbeIntervalSeconds", "must be between 0.1 and 60");
        if (options.Ingest.ReturnWindowSeconds is < 0 or > 3600)
            Fail("Ingest:ReturnWindowSeconds", "must be between 0 and 3600");

        if (string.IsNullOrWhiteSpace(options.Recording.Directory))
            Fail("Recording:Directory", "is required");
        if (options.Recording.SegmentSeconds is < 1 or > 60)
            Fail("Recording:SegmentSeconds", "must be between 1 and 60");

        if (options.Video.Mode == VideoMode.Transcode)
        {
            if (!X264Presets.Contains(options.Video.Preset, StringComparer.Ordinal))
                Fail("Video:Preset", $"must be one of {string.Join(", ", X264Presets)}");
            if (options.Video.BitrateKbps is < 100 or > 50_000)
                Fail("Video:BitrateKbps", "must be between 100 and 50000");
        }

        if (options.Recording.LowDiskWarningPercent is < 1 or > 90)
            Fail("Recording:LowDiskWarningPercent", "must be between 1 and 90");

        if (options.Storage.Kind == StorageKind.S3)
            ValidateS3(options.Storage, Fail);
        else if (string.IsNullOrWhiteSpace(options.Storage.Directory))
            Fail("Storage:Directory", "is required when Encoder:Storage:Kind is local");
        if (options.Storage.RequestTimeoutSeconds is < 1 or > 600)
            Fail("Storage:RequestTimeoutSeconds", "must be between 1 and 600");

        if (options.Session.EndsAt is { } endsAt && endsAt <= now)
            Fail("Session:EndsAt", $"is in the past ({endsAt:O}; now is {now:O})");
        if (options.Session is { StartsAt: { } startsAt, EndsAt: { } classEnd } && startsAt >= classEnd)
            Fail("Session:StartsAt", $"must be before Encoder:Session:EndsAt ({startsAt:O} is not before {classEnd:O})");
        if (options.Session.MaxDuration is { } maxDuration && maxDuration <= TimeSpan.Zero)
            Fail("Session:MaxDuration", "must be positive (e.g. 01:30:00)");

        if (string.IsNullOrWhiteSpace(options.Ffmpeg.Path))
            Fail("Ffmpeg:Path", "is required");
        if (options.Ffmpeg.StopTimeoutSeconds is < 1 or > 300)
            Fail("Ffmpeg:StopTimeoutSeconds", "must be between 1 and 300");
        if (options.Ffmpeg.RestartDelaySeconds is <= 0 or > 300)
            Fail("Ffmpeg:RestartDelaySeconds", "must be more than 0 and at most 300");
        if (options.Ffmpeg.MaxRestartDelaySeconds < options.Ffmpeg.RestartDelaySeconds || options.Ffmpeg.MaxRestartDelaySeconds > 600)
            Fail("Ffmpeg:MaxRestartDelaySeconds", "must be at least Encoder:Ffmpeg:RestartDelaySeconds and at most 600");

        if (options.Ffmpeg.StallSeconds is < 1 or > 120)
            Fail("Ffmpeg:StallSeconds", "must be between 1 and 120");
        if (options.Status.LogIntervalSeconds is < 1 or > 86400)
            Fail("Status:LogIntervalSeconds", "must be between 1 and 86400");

        if (!Enum.TryParse<LogEventLevel>(options.Logging.Level, ignoreCase: true, out _) || int.TryParse(options.Logging.Level, out _))
            Fail("Logging:Level", "must be Verbose, Debug, Information, Warning, Error or Fatal");

        var selfTerminate = options.SelfTerminate;
        if (selfTerminate.TimeoutSeconds is < 5 or > 300)
            Fail("SelfTerminate:TimeoutSeconds", "must be between 5 and 300");
        if (selfTerminate.MetadataEndpoint is { } metadata
            && (!Uri.TryCreate(metadata, UriKind.Absolute, out var metadataUri) || metadataUri.Scheme != Uri.UriSchemeHttp))
            Fail("SelfTerminate:MetadataEndpoint", "must be an http:// URL (e.g. http://169.254.169.254)");
        if (selfTerminate.Enabled && !selfTerminate.DryRun && options.Storage.Kind == StorageKind.Local)
            Fail("SelfTerminate:Enabled", "needs Encoder:Storage:Kind=s3: with local storage the recording's only copy is on the machine that would be terminated (Encoder:SelfTerminate:DryRun=true tries it safely)");

        // The host's stop budget must hold FFmpeg's whole stop escalation and, when it will run, the termination step.
        var stopSeconds = options.Ffmpeg.StopTimeoutSeconds + FfmpegStopReserveSeconds + (selfTerminate.Enabled ? selfTerminate.TimeoutSeconds : 0);
        if (options.ShutdownTimeout < TimeSpan.FromSeconds(stopSeconds))
            Fail("ShutdownTimeout", selfTerminate.Enabled
                ? $"must be at least {stopSeconds}s (Encoder:Ffmpeg:StopTimeoutSeconds plus {FfmpegStopReserveSeconds}s to interrupt and kill FFmpeg, plus Encoder:SelfTerminate:TimeoutSeconds)"
                : $"must be at least {stopSeconds}s (Encoder:Ffmpeg:StopTimeoutSeconds plus {FfmpegStopReserveSeconds}s to interrupt and kill FFmpeg)");

        return errors;
    }

    private static void ValidateS3(StorageOptions storage, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(storage.Bucket))
            fail("Storage:Bucket", "is required when Encoder:Storage:Kind is s3");
        else if (!BucketPattern().IsMatch(storage.Bucket) || storage.Bucket.Contains("..", StringComparison.Ordinal))
            fail("Storage:Bucket", "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");

        var prefix = storage.Prefix ?? "";
        if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Split('/').Any(part => part is "." or ".."))
            fail("Storage:Prefix", "must be a relative key prefix such as recordings/ (no leading '/', no '//', no '.' or '..' parts)");
        else if (prefix.Length > 512)
            fail("Storage:Prefix", "must be at most 512 characters");

        if (!string.IsNullOrEmpty(storage.Region) && !RegionPattern().IsMatch(storage.Region))
            fail("Storage:Region", "must be an AWS region name such as eu-west-1");

        if (!string.IsNullOrEmpty(storage.ServiceUrl)
            && (!Uri.TryCreate(storage.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.UserInfo)))
            fail("Storage:ServiceUrl", "must be an http:// or https:// URL without credentials (e.g. http://rgw.local:7480)");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    /// <summary>Time reserved after the graceful stop window for SIGINT and then SIGKILL.</summary>
    public const int FfmpegStopReserveSeconds = 10;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex SessionIdPattern();
}
