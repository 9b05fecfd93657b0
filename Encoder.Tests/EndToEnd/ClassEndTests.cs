using System.Globalization;
using System.Security.Cryptography;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// Operator stops, restarts and late starts of a class on a (moto) EC2 instance, with the real daemon: only a stop that
/// ends the class terminates the instance; any other stop leaves it, and the class goes on at the next start.
/// </summary>
public sealed partial class SelfTerminationTests
{
    private sealed record ClassRun(string Instance, string Bucket, Dictionary<string, string> Settings, Dictionary<string, string> Environment, string SessionDirectory)
    {
        public string Key(string name) => $"recordings/{Settings["SessionId"]}/{name}";
    }

    /// <summary>A class on its own instance, bucket and IAM user, self-terminating into S3, ending at <paramref name="endsAt"/>.</summary>
    private async Task<ClassRun> NewClassAsync(string sessionId, DateTimeOffset endsAt, MetadataServer imds, string instance)
    {
        var work = Path.Combine(Work, sessionId);
        var bucket = await Moto.CreateBucketAsync($"rec-{sessionId}");
        var role = await Moto.CreateUserAsync($"instance-{sessionId}", IamPolicies.Instance(bucket, "recordings/", instance));
        var settings = EncoderDaemon.Settings(sessionId, Camera.Url, Ingest.UrlFor(NewStreamKey()), work);
        settings["Session:EndsAt"] = endsAt.ToString("O", CultureInfo.InvariantCulture);
        settings["SelfTerminate:Enabled"] = "true";
        EncoderDaemon.StoreInS3(settings, bucket, Moto.Url);
        settings["Storage:DeleteLocalAfterUpload"] = "false"; // s3 deletes stored segments by default; these tests compare the runs' local segments
        var environment = Moto.EnvironmentFor(role);
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Url;
        return new ClassRun(instance, bucket, settings, environment, Path.Combine(work, "recordings", sessionId));
    }

    private static Dictionary<string, string> SegmentHashes(string directory) =>
        Directory.GetFiles(directory, "seg_*.ts").ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static int PlaylistSegments(string directory)
    {
        try
        {
            return HlsPlaylist.Parse(File.ReadAllText(Path.Combine(directory, RecordingLayout.PlaylistFileName))).Segments.Count;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    [Test]
    public async Task A_SIGTERM_mid_class_keeps_the_instance_the_next_start_continues_the_class_and_its_end_terminates_the_instance()
    {
        var instance = await Moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        // 30 s: room for the first run (start, two segments, stop) on a busy machine, with fixtures overlapping, and for the second.
        var run = await NewClassAsync("class-restart", DateTimeOffset.UtcNow.AddSeconds(30), imds, instance);

        // An operator's stop (systemctl stop/restart, a reboot): SIGTERM mid-class.
        int firstExit;
        string firstLog;
        await using (var first = EncoderDaemon.Start(run.Settings, run.Environment))
        {
            await Poll.UntilAsync(() => PlaylistSegments(run.SessionDirectory) >= 2, TimeSpan.FromSeconds(30), "two segments were recorded");
            first.Signal(Signals.SigTerm);
            firstExit = await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            firstLog = first.Output;
        }

        Assert.That(firstExit, Is.EqualTo(ExitCodes.Clean), firstLog);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("running"), firstLog);
        Assert.That(imds.Requests, Is.Empty, "a stop that does not end the class looks nothing up");
        Assert.That(firstLog, Does.Contain("the class is not over").And.Contain("Not terminating this instance"));
        var beforeRestart = SegmentHashes(run.SessionDirectory);

        // The service starts again (Restart=, a reboot): the class goes on until its end, which terminates the instance.
        await using var second = EncoderDaemon.Start(run.Settings, run.Environment);
        var secondExit = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(secondExit, Is.EqualTo(ExitCodes.Clean), second.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), second.Output);
        var after = SegmentHashes(run.SessionDirectory);
        Assert.That(after.Where(s => beforeRestart.ContainsKey(s.Key)), Is.EquivalentTo(beforeRestart), "no segment of the first run was overwritten");
        Assert.That(after, Has.Count.GreaterThan(beforeRestart.Count), second.Output);
        var stored = System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(run.Bucket, run.Key(RecordingLayout.PlaylistFileName)));
        Assert.That(stored, Does.Contain("#EXT-X-DISCONTINUITY").And.Contain("#EXT-X-ENDLIST"), stored);
        var storedSegments = HlsPlaylist.Parse(stored).Segments.Select(s => s.Uri).ToList();
        Assert.That(storedSegments, Is.Unique.And.Ordered.And.SupersetOf(beforeRestart.Keys), stored);
    }

    [Test]
    public async Task A_daemon_started_after_the_class_s_end_with_its_recording_on_disk_stores_the_rest_and_terminates_the_instance()
    {
        var instance = await Moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = await NewClassAsync("class-late", DateTimeOffset.UtcNow.AddMinutes(-10), imds, instance);
        // What a daemon killed mid-class left: segments and a playlist without ENDLIST, nothing stored yet.
        Directory.CreateDirectory(run.SessionDirectory);
        var ffmpeg = await Tool.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3",
            "-c:v", "libx264", "-g", "10", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "event",
            "-hls_segment_filename", Path.Combine(run.SessionDirectory, "seg_%05d.ts"), Path.Combine(run.SessionDirectory, RecordingLayout.PlaylistFileName)]);
        Assert.That(ffmpeg.ExitCode, Is.Zero, ffmpeg.Output);
        var playlist = Path.Combine(run.SessionDirectory, RecordingLayout.PlaylistFileName);
        File.WriteAllText(playlist, File.ReadAllText(playlist).Replace("#EXT-X-ENDLIST", "", StringComparison.Ordinal));
        var segments = HlsPlaylist.Parse(File.ReadAllText(playlist)).Segments.Select(s => s.Uri).ToList();

        await using var daemon = EncoderDaemon.Start(run.Settings, run.Environment);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), daemon.Output);
        var stored = (await Moto.ListAsync(run.Bucket)).Select(o => o.Key).ToList();
        Assert.That(stored, Is.SupersetOf(segments.Select(run.Key).Append(run.Key("session.json"))), daemon.Output);
        var vod = System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(run.Bucket, run.Key(RecordingLayout.PlaylistFileName)));
        Assert.That(vod, Does.Contain("#EXT-X-PLAYLIST-TYPE:VOD").And.Contain("#EXT-X-ENDLIST"));
        Assert.That(Directory.GetFiles(Path.Combine(run.SessionDirectory, "logs"), "ffmpeg-recorder-*"), Is.Empty, "FFmpeg never starts after the class's end");
    }

    [Test]
    public async Task An_operator_s_end_class_ends_the_class_at_once_and_terminates_the_instance()
    {
        var instance = await Moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = await NewClassAsync("class-ended", DateTimeOffset.UtcNow.AddHours(1), imds, instance);
        await using var daemon = EncoderDaemon.Start(run.Settings, run.Environment);
        await Poll.UntilAsync(() => PlaylistSegments(run.SessionDirectory) >= 1, TimeSpan.FromSeconds(30), "a segment was recorded");

        await using var endClass = EncoderDaemon.Start(run.Settings, verb: EndClassCommand.Verb);
        Assert.That(await endClass.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(ExitCodes.Clean), endClass.Output);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("an operator ended the class"));
    }

    [Test]
    public async Task The_hard_stop_s_SIGTERM_ends_the_class_and_terminates_the_instance()
    {
        var instance = await Moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = await NewClassAsync("class-hardstop", DateTimeOffset.UtcNow.AddHours(1), imds, instance);
        var runtime = Directory.CreateDirectory(Path.Combine(Work, "class-hardstop", "run")).FullName;
        run.Environment[ClassEndMarkers.RuntimeDirectoryVariable] = runtime; // as systemd sets it for RuntimeDirectory=encoder
        await using var daemon = EncoderDaemon.Start(run.Settings, run.Environment);
        await Poll.UntilAsync(() => PlaylistSegments(run.SessionDirectory) >= 1, TimeSpan.FromSeconds(30), "a segment was recorded");

        // What encoder-hard-stop.service does: the marker, then the poweroff's SIGTERM.
        File.WriteAllText(Path.Combine(runtime, ClassEndMarkers.HardStopFileName), "");
        daemon.Signal(Signals.SigTerm);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("the hard stop fired"));
    }
}
