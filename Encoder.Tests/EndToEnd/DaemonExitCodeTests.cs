using System.Globalization;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>The real daemon refusing to start tells systemd the truth: exit 2 (no restart) with one line naming what is wrong.</summary>
[TestFixture]
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
}
