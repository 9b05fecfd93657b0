using System.Text.Json;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

public sealed partial class StreamingTests
{
    [Test]
    public async Task A_camera_that_answers_RTSP_and_then_sends_nothing_is_restarted_until_it_sends_again()
    {
        // A camera that sets up the session and then only chats: FFmpeg's socket timeout never fires, and the recorder
        // never prints progress. The watchdog gives it Camera:TimeoutSeconds + Ffmpeg:StallSeconds (2 + 3 s) from its start.
        await using var silent = SilentCamera.Start(Camera.Port);
        var key = NewStreamKey();
        var work = Path.Combine(Work, "silent-camera");
        var settings = EncoderDaemon.Settings("class-silent", silent.Url, Ingest.UrlFor(key), work);
        settings["Ffmpeg:StallSeconds"] = "3";
        var status = EncoderDaemon.Status(settings);

        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.RecorderRestarts() >= 2, TimeSpan.FromSeconds(60), "the silent recorder was restarted, twice", () => daemon.Output);
        Assert.That(silent.SilentSessions, Is.GreaterThanOrEqualTo(2), "each run reached PLAY before it was restarted");
        Assert.That(status.LastError(), Does.Contain("no media within 5s"), daemon.Output);
        Assert.That(status.RecorderState(), Is.Not.EqualTo("streaming"));

        silent.BringCameraBack();
        await Poll.UntilAsync(() => status.RecorderState() == "streaming", TimeSpan.FromSeconds(60), "the camera sends again and is recorded", () => daemon.Output);
        var restarts = status.RecorderRestarts();
        await Poll.UntilAsync(() => status.Read()?.GetProperty("recorder").GetProperty("outTimeSeconds").GetDouble() > 4, TimeSpan.FromSeconds(60),
            "the recording runs on", () => daemon.Output);
        Assert.That((status.RecorderRestarts(), status.RecorderState()), Is.EqualTo((restarts, "streaming")), "a recorder with media is not restarted");

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "storage", "class-silent", "session.json")));
        Assert.That(manifest.RootElement.GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("kind").GetString()), Does.Contain("camera"),
            "the camera's outage ended and was recorded");
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
    }
}
