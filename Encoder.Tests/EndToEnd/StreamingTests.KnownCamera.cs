using System.Text.Json;
using Encoder.Media;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

public sealed partial class StreamingTests
{
    [Test]
    public async Task A_camera_known_from_an_earlier_run_or_an_earlier_daemon_is_not_probed_again_before_the_recorder_starts()
    {
        // ffprobe beside FFmpeg (Ffmpeg:Path) is a wrapper that counts its runs on the camera (the replay's runs over stored
        // segments are not asked of the camera): only the session's very first run asks the camera first.
        await using var camera = await TestCamera.StartAsync();
        var key = NewStreamKey();
        var work = Path.Combine(Work, "known-camera");
        var tools = Directory.CreateDirectory(Path.Combine(work, "tools")).FullName;
        var probes = Path.Combine(tools, "probes");
        File.CreateSymbolicLink(Path.Combine(tools, "ffmpeg"), (await Tool.RunAsync("/usr/bin/which", ["ffmpeg"])).Output.Trim());
        var ffprobe = Path.Combine(tools, "ffprobe");
        await File.WriteAllTextAsync(ffprobe, $"#!/bin/sh\ncase \"$*\" in *rtsp://*) echo probe >> '{probes}' ;; esac\nexec \"$(/usr/bin/which ffprobe)\" \"$@\"\n");
        await Tool.RunAsync("chmod", ["0755", ffprobe]);
        var settings = EncoderDaemon.Settings("class-known", camera.Url, Ingest.UrlFor(key), work);
        settings["Ffmpeg:Path"] = Path.Combine(tools, "ffmpeg");
        var status = EncoderDaemon.Status(settings);
        var kept = Path.Combine(work, "recordings", "class-known", KnownCamera.FileName);
        int Probes() => File.Exists(probes) ? File.ReadAllLines(probes).Length : 0;

        await using (var daemon = EncoderDaemon.Start(settings))
        {
            await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(60));
            await camera.StopAsync();
            await Poll.UntilAsync(() => status.RecorderRestarts() >= 1, TimeSpan.FromSeconds(30), "the recorder noticed the camera is gone", () => daemon.Output);
            await camera.RestartAsync();
            await Poll.UntilAsync(() => status.RecorderState() == "streaming", TimeSpan.FromSeconds(60), "the camera is back and recorded", () => daemon.Output);
            daemon.Signal(Signals.SigTerm);
            Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
            Assert.That(Probes(), Is.EqualTo(1), daemon.Output);
        }

        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(kept)))
        {
            var streams = json.RootElement;
            Assert.That((streams.GetProperty("videoCodec").GetString(), streams.GetProperty("audioCodec").GetString(), streams.GetProperty("audioSampleRate").GetInt32()),
                Is.EqualTo(("h264", "aac", 48_000)), streams.ToString());
        }

        // The restarted daemon trusts camera.json, here made wrong on purpose (HEVC and A-law): its first run transcodes,
        // reads from FFmpeg's own report that the camera sends H.264 and AAC 48 kHz, and is restarted at once to copy both.
        await File.WriteAllTextAsync(kept, """{"videoCodec":"hevc","width":640,"height":360,"audioCodec":"pcm_alaw","audioSampleRate":8000,"audioChannels":1}""");
        File.Delete(Path.Combine(work, "recordings", "class-known", "status.json"));
        var logs = Path.Combine(work, "recordings", "class-known", "logs");
        List<string> Commands() => Directory.GetFiles(logs, "ffmpeg-recorder-*.log").Order(StringComparer.Ordinal).Select(FirstLine).ToList();
        var earlierRuns = Commands().Count;
        await using (var restarted = EncoderDaemon.Start(settings))
        {
            // The run that copies has started (its log is written after its state is set to connecting), and streams:
            // the replanned run may have shown "streaming" while it was being stopped.
            await Poll.UntilAsync(() => Commands().Skip(earlierRuns).Any(c => c.Contains(" -c:v copy -c:a copy ", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), "the restarted daemon restarts its recorder with the plan for what the camera sends", () => restarted.Output);
            await Poll.UntilAsync(() => status.Read()?.TryGetProperty("camera", out var c) == true && c.GetProperty("audio").GetString() == "copy"
                                        && status.RecorderState() == "streaming",
                TimeSpan.FromSeconds(60), "the restarted daemon records with the plan for what the camera sends", () => restarted.Output);
            var planned = status.Read()!.Value.GetProperty("camera");
            Assert.That((planned.GetProperty("videoCodec").GetString(), planned.GetProperty("video").GetString(), planned.GetProperty("audio").GetString()),
                Is.EqualTo(("h264", "copy", "copy")), planned.ToString());
            Assert.That(status.RecorderRestarts(), Is.Zero, "a new plan is not a camera fault");
            restarted.Signal(Signals.SigTerm);
            Assert.That(await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, restarted.Output);
        }

        var commands = Commands();
        Assert.That(commands.Count(c => c.Contains("libx264", StringComparison.Ordinal)), Is.EqualTo(1), string.Join('\n', commands));
        Assert.That(commands[^1], Does.Contain(" -c:v copy -c:a copy "));
        Assert.That(Probes(), Is.EqualTo(1), "the restarted daemon planned from camera.json");
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty);
    }

    /// <summary>A log's first line (the command), read while FFmpeg may still be writing the log.</summary>
    private static string FirstLine(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadLine() ?? "";
    }
}
