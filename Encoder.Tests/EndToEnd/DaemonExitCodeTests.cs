using System.Globalization;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The real daemon tells systemd the truth: exit 2 (no restart) with one line naming what is wrong when it refuses to
/// start; at a stop, 3 only when the class is over and uploads remain.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(10)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~20 s
[Category("Integration")]
public sealed class DaemonExitCodeTests
{
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-exit-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    private Dictionary<string, string> Settings() =>
        EncoderDaemon.Settings("class-x", "rtsp://127.0.0.1:9/cam", "rtmp://127.0.0.1:9/live/key", _work);

    [Test]
    public async Task A_daemon_started_after_the_class_s_end_without_its_recording_exits_2_naming_the_key()
    {
        var settings = Settings();
        settings["Session:EndsAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);

        await using var daemon = EncoderDaemon.Start(settings);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ConfigurationError), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("Encoder:Session:EndsAt: is in the past").And.Contain("no recording of session class-x"));
        Assert.That(Directory.Exists(Path.Combine(_work, "recordings", "class-x")), Is.False, "nothing was started");
    }

    [Test]
    public async Task A_malformed_config_file_exits_2_naming_the_file_and_the_line_without_a_stack_trace()
    {
        var file = Path.Combine(_work, "encoder.json");
        await File.WriteAllTextAsync(file, "{\n  \"Encoder\": {\n    \"SessionId\": \"class-x\"\n    \"Camera\": { \"Url\": \"rtsp://viewer:secret@cam/1\" }\n  }\n}\n");

        await using var daemon = EncoderDaemon.Start(new Dictionary<string, string>(), new Dictionary<string, string> { ["ENCODER_CONFIG"] = file });
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ConfigurationError), daemon.Output);
        Assert.That(daemon.Output, Is.EqualTo($"encoder: configuration error: {file}: line 4, column 5: is not valid JSON"));
    }

    /// <summary>
    /// A class that has not started yet (FFmpeg never runs) with 2 s of recording on disk and S3 down (nothing listens):
    /// the drain cannot store it. Self-termination is off, as on a laptop.
    /// </summary>
    private Dictionary<string, string> WithS3DownAndARecording(Dictionary<string, string> settings)
    {
        settings["Session:StartsAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        EncoderDaemon.StoreInS3(settings, "recordings", $"http://127.0.0.1:{FreePort.Next()}");
        settings["Ffmpeg:StopTimeoutSeconds"] = "1";
        settings["ShutdownTimeout"] = "00:00:12"; // the drain gives up ~9 s after the stop
        var session = Directory.CreateDirectory(Path.Combine(_work, "recordings", "class-x")).FullName;
        File.WriteAllBytes(Path.Combine(session, "seg_00000.ts"), new byte[188 * 10]);
        File.WriteAllText(Path.Combine(session, "index.m3u8"), "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000000,\nseg_00000.ts\n");
        return settings;
    }

    private static readonly Dictionary<string, string> AnyAwsCredentials = new()
    {
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    [Test]
    public async Task An_operator_s_stop_with_uploads_pending_exits_0_the_class_is_not_over_and_the_next_start_stores_them()
    {
        var settings = WithS3DownAndARecording(Settings());

        await using var daemon = EncoderDaemon.Start(settings, AnyAwsCredentials);
        await Poll.UntilAsync(() => daemon.Output.Contains("The session starts at", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the daemon started",
            () => daemon.Output);
        daemon.Signal(Signals.SigTerm);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("Upload drain incomplete"), "the drain did leave the segment behind");
        Assert.That(File.Exists(Path.Combine(_work, "recordings", "class-x", "seg_00000.ts")), Is.True);
    }

    [Test]
    public async Task A_class_that_is_over_with_uploads_pending_exits_3_so_systemd_leaves_the_local_copy_alone()
    {
        var settings = WithS3DownAndARecording(Settings());
        settings.Remove("Session:StartsAt");
        settings["Session:EndsAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture); // a late restart: the class is over

        await using var daemon = EncoderDaemon.Start(settings, AnyAwsCredentials);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UploadsPending), daemon.Output);
        Assert.That(File.Exists(Path.Combine(_work, "recordings", "class-x", "seg_00000.ts")), Is.True);
    }
}
