using System.Diagnostics;
using Encoder.Lifecycle;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// One class, one daemon: a second start on a session that is already recording (the unit started twice, <c>sudo
/// encoder</c> typed by hand) is refused within a second, naming the running PID and the session, and leaves the
/// recording alone; <c>encoder end-class</c> is not a second start and still works (without asking SSM anything).
/// </summary>
[TestFixture]
[NonParallelizable] // alone: it times a second start against dotnet's own start-up
[Category("Integration")]
public sealed class OneDaemonPerSessionTests : LiveClassFixture
{
    [Test]
    public async Task A_second_start_on_a_recording_session_exits_6_within_a_second_naming_the_running_pid_and_touches_nothing()
    {
        var key = NewStreamKey();
        var settings = EncoderDaemon.Settings("one-daemon", Camera.Url, Ingest.UrlFor(key), Path.Combine(Work, "one-daemon"));
        await using var first = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(first, settings, TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(() => Ingest.BytesRecordedFor(key) > 0, TimeSpan.FromSeconds(60), "the ingest receives the class", () => first.Output);
        var ffmpegBefore = ProcessTable.Children(first.Pid, "ffmpeg");
        var filesBefore = EntriesBesideTheRecording(settings["Recording:Directory"]);

        var clock = Stopwatch.StartNew();
        await using var second = EncoderDaemon.Start(settings);
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var took = clock.Elapsed;
        TestContext.Out.WriteLine($"The second start exited in {took.TotalSeconds:0.00}s; dotnet alone starts in {DotnetStart.TotalSeconds:0.00}s");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.AlreadyRunning), second.Output);
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(1) + DotnetStart), second.Output);
        Assert.That(second.Output, Does.Contain($"PID {first.Pid}").And.Contain("one-daemon"));
        Assert.That(EntriesBesideTheRecording(settings["Recording:Directory"]), Is.EquivalentTo(filesBefore), "no log, no status, no folder of its own");
        Assert.That(ProcessTable.WithCommandLineContaining(key).Except([first.Pid]), Is.SubsetOf(ffmpegBefore), "no second FFmpeg pushes the class");

        // The first one records on, untouched, and an operator can still end the class.
        var recorded = Ingest.BytesRecordedFor(key);
        await Poll.UntilAsync(() => Ingest.BytesRecordedFor(key) > recorded, TimeSpan.FromSeconds(30), "the first daemon streams on", () => first.Output);
        Assert.That(first.HasExited, Is.False, first.Output);
        Assert.That(EncoderDaemon.Status(settings).RecorderState(), Is.EqualTo("streaming"));
        // end-class reads only the session from the settings: an SSM reference it would have to resolve, with SSM away, does not hold it up.
        var endClassSettings = new Dictionary<string, string>(settings) { ["Camera:Url"] = "ssm:/encoder/one-daemon/camera-url" };
        await using var endClass = EncoderDaemon.Start(endClassSettings, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SSM"] = $"http://127.0.0.1:{FreePort.Next()}" },
            verb: EndClassCommand.Verb);
        Assert.That(await endClass.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(ExitCodes.Clean), endClass.Output);
        Assert.That(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(ExitCodes.Clean), first.Output);
    }

    /// <summary>
    /// What <c>dotnet encoder.dll</c> spends before Main on this (shared, 2-core) machine, measured with <c>--version</c>:
    /// the shipped binary is Native AOT and starts in ~0.01 s, so the second it is given is the daemon's own.
    /// </summary>
    private static TimeSpan DotnetStart => _dotnetStart ??= MeasureDotnetStart();

    private static TimeSpan? _dotnetStart;

    private static TimeSpan MeasureDotnetStart()
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("dotnet", [RepoPaths.EncoderDll, "--version"]) { RedirectStandardOutput = true })!;
        process.WaitForExit();
        return clock.Elapsed;
    }

    /// <summary>
    /// Every file and folder under the recordings folder but those the first daemon's recording keeps adding (segments,
    /// playlists, their temporary files): a second start's folder, log, FFmpeg log or status would show here.
    /// </summary>
    private static List<string> EntriesBesideTheRecording(string recordings) =>
    [
        .. Directory.EnumerateFileSystemEntries(recordings, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(recordings, p))
            .Where(p => !Path.GetFileName(p).StartsWith("seg_", StringComparison.Ordinal) && !p.Contains(".m3u8", StringComparison.Ordinal)
                && !p.Contains(".tmp", StringComparison.Ordinal)),
    ];
}
