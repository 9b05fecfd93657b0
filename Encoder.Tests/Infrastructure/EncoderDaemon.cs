using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>The real daemon (encoder.dll) as a child process, configured through the command line.</summary>
internal static class EncoderDaemon
{
    /// <param name="verb">A verb before the settings (<c>end-class</c>), or none for the daemon.</param>
    public static ChildProcess Start(IDictionary<string, string> settings, IDictionary<string, string>? environment = null, string? verb = null)
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ENCODER_CONFIG"] = "",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            env[key] = value;
        var arguments = new List<string> { RepoPaths.EncoderDll };
        if (verb is not null)
            arguments.Add(verb);
        arguments.AddRange(settings.Select(kv => $"--Encoder:{kv.Key}={kv.Value}"));
        return ChildProcess.Start("dotnet", arguments, env);
    }

    /// <summary>The status file a daemon started with these settings writes (<c>Status:Path</c>, else its default in the session folder).</summary>
    public static StatusFile Status(IDictionary<string, string> settings) =>
        new(settings.TryGetValue("Status:Path", out var path) ? path : Path.Combine(settings["Recording:Directory"], settings["SessionId"], "status.json"));

    /// <summary>Waits until the daemon's status file says the recorder streams; fails at once if the daemon exits first.</summary>
    public static Task UntilRecordingAsync(ChildProcess daemon, IDictionary<string, string> settings, TimeSpan timeout)
    {
        var status = Status(settings);
        return Poll.UntilAsync(() =>
        {
            if (daemon.HasExited)
                Assert.Fail($"The daemon exited ({daemon.ExitCode}) before recording:\n{daemon.Output}");
            return status.RecorderState() == "streaming";
        }, timeout, "the recorder streams", () => daemon.Output);
    }

    /// <summary>Settings for a class against the given camera and ingest, recording under <paramref name="workDirectory"/>.</summary>
    public static Dictionary<string, string> Settings(string sessionId, string cameraUrl, string ingestUrl, string workDirectory) => new()
    {
        ["SessionId"] = sessionId,
        ["Camera:Url"] = cameraUrl,
        ["Ingest:Primary"] = ingestUrl,
        ["Recording:Directory"] = Path.Combine(workDirectory, "recordings"),
        ["Recording:SegmentSeconds"] = 2.ToString(CultureInfo.InvariantCulture),
        ["Storage:Directory"] = Path.Combine(workDirectory, "storage"),
        ["Camera:TimeoutSeconds"] = "2",
        ["Metrics:Enabled"] = "false", // on by default (for EC2); a test that wants them points them at its own EmfAgent
    };

    /// <summary>Stores the class in S3 (or an S3-compatible store) at <paramref name="serviceUrl"/>, in <paramref name="bucket"/>, instead of the local folder.</summary>
    public static void StoreInS3(IDictionary<string, string> settings, string bucket, string serviceUrl)
    {
        settings.Remove("Storage:Directory");
        settings["Storage:Kind"] = "s3";
        settings["Storage:Bucket"] = bucket;
        settings["Storage:ServiceUrl"] = serviceUrl;
    }

    /// <summary>Sends the daemon's metrics to <paramref name="endpoint"/> every second.</summary>
    public static void WithMetrics(IDictionary<string, string> settings, string endpoint)
    {
        settings["Metrics:Enabled"] = "true";
        settings["Metrics:Endpoint"] = endpoint;
        settings["Metrics:IntervalSeconds"] = "1";
    }
}
