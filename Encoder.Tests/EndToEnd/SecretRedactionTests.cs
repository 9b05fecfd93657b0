using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The real daemon and real FFmpeg with a camera URL that carries credentials in its query (as Dahua and Axis cameras
/// take them): FFmpeg prints its own lines with that URL, and no log, status file or manifest may keep a secret.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Category("Integration")]
public sealed class SecretRedactionTests : LiveClassFixture
{
    /// <summary>The query password as configured (percent-encoded '&amp;' and '='); FFmpeg or a log may show either form.</summary>
    private const string QueryPassword = "Qs%26Pa55%3Dw0rd";
    private const string QueryPasswordDecoded = "Qs&Pa55=w0rd";

    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_streaming_class_leaves_no_query_credential_in_its_logs_status_or_manifest()
    {
        var key = NewStreamKey();
        var work = Path.Combine(Work, "streaming");
        var settings = Settings("secrets-1", $"{Camera.Url}?user={TestCamera.User}&password={QueryPassword}", key, work);

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, Soon);
        var status = EncoderDaemon.Status(settings);
        await Poll.UntilAsync(() => status.Number("segmentsRecorded") >= 1, Soon, "a segment is recorded", () => daemon.Output);
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(Soon), Is.Zero, daemon.Output);

        // FFmpeg printed its own input line with the URL, and the URL reached the log masked.
        var recorderLog = Directory.GetFiles(Path.Combine(work, "storage", "secrets-1", "logs"), "ffmpeg-recorder-*.log").First();
        Assert.That(await File.ReadAllTextAsync(recorderLog),
            Does.Contain($"Input #0, rtsp, from 'rtsp://{TestCamera.User}:***@127.0.0.1:{Camera.Port}/camera?user={TestCamera.User}&password=***'"));
        Assert.That(daemon.Output, Does.Contain($"camera rtsp://{TestCamera.User}:***@127.0.0.1:{Camera.Port}/camera?user={TestCamera.User}&password=***;"),
            "the session announcement names the camera, masked");
        AssertNoSecretsIn(work, daemon.Output, key, expectedFiles: ["encoder.log", "status.json", "session.json"]);
    }

    [Test]
    public async Task An_unreachable_camera_with_query_credentials_leaves_no_secret_in_the_status_error()
    {
        var key = NewStreamKey();
        var work = Path.Combine(Work, "unreachable");
        var port = FreePort.Next(); // nothing listens: FFmpeg's last error line is the camera URL and "Connection refused"
        var settings = Settings("secrets-2", $"rtsp://{TestCamera.User}:{TestCamera.Password}@127.0.0.1:{port}/camera?user={TestCamera.User}&password={QueryPassword}", key, work);
        var status = EncoderDaemon.Status(settings);

        await using var daemon = EncoderDaemon.Start(settings);
        var error = await Poll.ForAsync(() => status.LastError() is { } e && e.Contains("Connection refused", StringComparison.Ordinal) ? e : null, Soon,
            "the recorder reports FFmpeg's connection error");
        daemon.Signal(Signals.SigTerm);
        await daemon.WaitForExitAsync(Soon);

        Assert.That(error, Does.Contain($"rtsp://{TestCamera.User}:***@127.0.0.1:{port}/camera?user={TestCamera.User}&password=***"));
        AssertNoSecretsIn(work, daemon.Output, key, expectedFiles: ["encoder.log", "status.json"]);
    }

    private Dictionary<string, string> Settings(string sessionId, string cameraUrl, string key, string work)
    {
        var settings = EncoderDaemon.Settings(sessionId, cameraUrl, Ingest.UrlFor(key), work);
        settings["Logging:Level"] = "Debug"; // FFmpeg's error lines reach the daemon log too
        settings["Status:Path"] = Path.Combine(work, "status.json");
        return settings;
    }

    private static void AssertNoSecretsIn(string directory, string daemonOutput, string streamKey, string[] expectedFiles)
    {
        string[] secrets = [TestCamera.Password, QueryPassword, QueryPasswordDecoded, streamKey];
        Assert.That(daemonOutput, Has.Length.GreaterThan(0));
        foreach (var secret in secrets)
            Assert.That(daemonOutput, Does.Not.Contain(secret), "daemon output");

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".log" or ".m3u8" or ".json")
            .ToList();
        Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(expectedFiles), "the sinks this test means to check were not written");
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var secret in secrets)
                Assert.That(text, Does.Not.Contain(secret), file);
        }
    }
}
