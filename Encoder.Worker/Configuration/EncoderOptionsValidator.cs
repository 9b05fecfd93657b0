using System.Text.RegularExpressions;
using Encoder.Aws;
using Serilog.Events;

namespace Encoder.Configuration;

/// <summary>
/// Checks bound options; each problem is one line that starts with the key it is about. Ranges are declared on
/// <see cref="EncoderOptions"/> and checked by <see cref="EncoderOptionsRanges"/>; what is here needs code: formats,
/// URLs, and rules between settings.
/// </summary>
public static partial class EncoderOptionsValidator
{
    private static readonly string[] X264Presets =
        ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"];

    /// <param name="options">The bound options.</param>
    /// <param name="now">The start's instant.</param>
    /// <param name="sessionRecorded">
    /// Whether this machine holds a recording of the session (its folder under <c>Recording:Directory</c>). A past
    /// <c>Session:EndsAt</c> is then a late restart, which stores what is left and ends the class; without one it is a
    /// mistake. Null (the launcher) counts as none.
    /// </param>
    public static IReadOnlyList<string> Validate(EncoderOptions options, DateTimeOffset now, Func<EncoderOptions, bool>? sessionRecorded = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(EncoderOptionsRanges.Check(options));
        void Fail(string key, string message) => errors.Add($"{ConfigurationKeys.Full(key)}: {message}");

        if (string.IsNullOrWhiteSpace(options.SessionId))
            Fail("SessionId", "is required (it names the recording)");
        else if (!SessionIdPattern().IsMatch(options.SessionId) || options.SessionId.Trim('.').Length == 0)
            Fail("SessionId", "may contain only letters, digits, '.', '_' and '-' (at most 128)");

        if (StreamUrl.Check(options.Camera.Url, ["rtsp", "rtsps"], requirePath: false) is { } cameraProblem)
            Fail("Camera:Url", cameraProblem);
        else if (options.Tls.Verify && StreamUrl.HasScheme(options.Camera.Url, "rtsps"))
            Fail("Camera:Url", "rtsps:// cannot be verified (FFmpeg 5.1 takes no TLS options for RTSP): set Encoder:Tls:Verify=false to pull it unverified, or use rtsp://");
        if (options.Tls.Verify && string.IsNullOrWhiteSpace(options.Tls.CaFile))
            Fail("Tls:CaFile", "is required while Encoder:Tls:Verify is true");

        if (StreamUrl.Check(options.Ingest.Primary, ["rtmp", "rtmps"], requirePath: true) is { } primaryProblem)
            Fail("Ingest:Primary", primaryProblem);
        if (!string.IsNullOrEmpty(options.Ingest.Secondary))
        {
            if (StreamUrl.Check(options.Ingest.Secondary, ["rtmp", "rtmps"], requirePath: true) is { } secondaryProblem)
                Fail("Ingest:Secondary", secondaryProblem);
            else if (string.Equals(options.Ingest.Secondary, options.Ingest.Primary, StringComparison.Ordinal))
                Fail("Ingest:Secondary", "must differ from Encoder:Ingest:Primary");
        }

        if (string.IsNullOrWhiteSpace(options.Recording.Directory))
            Fail("Recording:Directory", "is required");

        if (options.Video.Mode != VideoMode.Copy && !X264Presets.Contains(options.Video.Preset, StringComparer.Ordinal))
            Fail("Video:Preset", $"must be one of {string.Join(", ", X264Presets)}");

        if (options.Storage.Kind == StorageKind.S3)
            ValidateS3(options.Storage, Fail);
        else if (string.IsNullOrWhiteSpace(options.Storage.Directory))
            Fail("Storage:Directory", "is required when Encoder:Storage:Kind is local");

        ValidateClassRole(options, Fail);

        if (options.Session.EndsAt is { } endsAt && endsAt <= now && !(NamesASessionFolder(options) && sessionRecorded?.Invoke(options) == true))
            Fail("Session:EndsAt", $"is in the past ({endsAt:O}; now is {now:O})"
                + (sessionRecorded is null ? "" : $" and this machine holds no recording of session {options.SessionId} to finish"));
        if (options.Session is { StartsAt: { } startsAt, EndsAt: { } classEnd } && startsAt >= classEnd)
            Fail("Session:StartsAt", $"must be before Encoder:Session:EndsAt ({startsAt:O} is not before {classEnd:O})");
        if (options.Session.MaxDuration is { } maxDuration && maxDuration <= TimeSpan.Zero)
            Fail("Session:MaxDuration", "must be positive (e.g. 01:30:00)");

        if (string.IsNullOrWhiteSpace(options.Ffmpeg.Path))
            Fail("Ffmpeg:Path", "is required");
        if (options.Ffmpeg.MaxRestartDelaySeconds < options.Ffmpeg.RestartDelaySeconds || options.Ffmpeg.MaxRestartDelaySeconds > 600)
            Fail("Ffmpeg:MaxRestartDelaySeconds", "must be at least Encoder:Ffmpeg:RestartDelaySeconds and at most 600");

        if (options.Metrics.Enabled
            && EmfEndpoint.Resolve(options.Metrics.Endpoint, Environment.GetEnvironmentVariable) is var endpoint && EmfEndpoint.Parse(endpoint) is null)
            Fail("Metrics:Endpoint", options.Metrics.Endpoint is { Length: > 0 }
                ? "must be tcp://host:port or udp://host:port"
                : $"is not set, and ${EmfEndpoint.EnvironmentVariable} is not tcp://host:port or udp://host:port");

        if (!Enum.TryParse<LogEventLevel>(options.Logging.Level, ignoreCase: true, out _) || int.TryParse(options.Logging.Level, out _))
            Fail("Logging:Level", "must be Verbose, Debug, Information, Warning, Error or Fatal");

        if (options.Playback.BaseUrl is { } playback
            && (!Uri.TryCreate(playback, UriKind.Absolute, out var playbackUri) || playbackUri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(playbackUri.UserInfo)
                || !string.IsNullOrEmpty(playbackUri.Query) || !string.IsNullOrEmpty(playbackUri.Fragment)))
            Fail("Playback:BaseUrl", "must be an https:// (or http://) URL without credentials, query or fragment (e.g. https://d111111abcdef8.cloudfront.net)");

        if (options.Playback.LiveUrl is { Length: > 0 } liveUrl
            && (!Uri.TryCreate(liveUrl, UriKind.Absolute, out var liveUri) || liveUri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(liveUri.UserInfo)))
            Fail("Playback:LiveUrl", "must be an https:// (or http://) URL without user:password@ (a token goes in its query), e.g. https://cdn.example.com/live/index.m3u8");

        var selfTerminate = options.SelfTerminate;
        if (selfTerminate.MetadataEndpoint is { } metadata
            && (!Uri.TryCreate(metadata, UriKind.Absolute, out var metadataUri) || metadataUri.Scheme != Uri.UriSchemeHttp))
            Fail("SelfTerminate:MetadataEndpoint", "must be an http:// URL (e.g. http://169.254.169.254)");
        if (selfTerminate.Enabled && !selfTerminate.DryRun && options.Storage.Kind == StorageKind.Local)
            Fail("SelfTerminate:Enabled", "needs Encoder:Storage:Kind=s3: with local storage the recording's only copy is on the machine that would be terminated (Encoder:SelfTerminate:DryRun=true tries it safely)");

        // The host's stop must hold every slice of the stop budget: FFmpeg's escalation, a drain, termination when enabled.
        var stop = StopBudget.From(options);
        if (!stop.Fits)
            Fail("ShutdownTimeout", $"must be at least {stop.MinimumTotal.TotalSeconds:0}s (Encoder:Ffmpeg:StopTimeoutSeconds plus {StopBudget.Overhead.TotalSeconds:0}s to interrupt and kill FFmpeg, drain the uploads and exit"
                + (selfTerminate.Enabled ? ", plus Encoder:SelfTerminate:TimeoutSeconds)" : ")"));

        return errors;
    }

    private static bool NamesASessionFolder(EncoderOptions options) =>
        !string.IsNullOrWhiteSpace(options.Recording.Directory) && options.SessionId is { } id && SessionIdPattern().IsMatch(id) && id.Trim('.').Length > 0;

    /// <summary>The class role's ARN, and a scope its session policy can say within AWS's limit and without widening (<see cref="ClassSessionPolicy"/>).</summary>
    private static void ValidateClassRole(EncoderOptions options, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(options.Aws.ClassRoleArn))
            return;
        if (ClassRole.PartitionOf(options.Aws.ClassRoleArn) is null)
        {
            fail("Aws:ClassRoleArn", "must be an IAM role ARN such as arn:aws:iam::123456789012:role/encoder-class");
            return;
        }

        if (string.IsNullOrWhiteSpace(options.SessionId))
            return; // said once, under SessionId
        var bucket = options.Storage.Kind == StorageKind.S3 ? options.Storage.Bucket : null;
        if (ClassRole.Of(options.Aws.ClassRoleArn, options.SessionId, bucket, options.Storage.Prefix) is { Scope.Problem: { } problem })
            fail("Aws:ClassRoleArn", $"the class's session policy cannot be written: {problem}");
        else if ((options.Storage.Prefix ?? "").Length > ClassSessionPolicy.MaxPrefixLength)
            fail("Storage:Prefix", $"must be at most {ClassSessionPolicy.MaxPrefixLength} characters with Encoder:Aws:ClassRoleArn (AWS limits the session policy that names it)");
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

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex SessionIdPattern();
}
