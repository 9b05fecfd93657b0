using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The real daemon as a child process, for a whole class on a (moto) EC2 instance: the real test camera, a real
/// nginx-rtmp ingest, real FFmpeg, moto_server's EC2 and S3 enforcing IAM, and the test's own IMDSv2 server naming the
/// instance. The daemon runs as a user holding <c>iam/encoder-instance-policy.json</c> for that instance (see
/// <see cref="IamPolicies.Instance"/>): it may store under the prefix and terminate its own instance, nothing else.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(5)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~60 s
[Category("Integration")]
public sealed partial class SelfTerminationTests : LiveClassFixture
{
    protected override bool WithMoto => true;

    [Test]
    public async Task A_class_booted_early_waits_for_its_start_streams_and_at_its_end_terminates_exactly_its_instance_after_the_drain()
    {
        var instance = await Moto.RunInstanceAsync();
        var bystander = await Moto.RunInstanceAsync();
        var work = Path.Combine(Work, "class");
        // Self-termination needs the recording off the machine: it goes to S3 (moto), as on a real class.
        var bucket = await Moto.CreateBucketAsync("studio-recordings-selfterm");
        var role = await Moto.CreateUserAsync("encoder-instance", IamPolicies.Instance(bucket, "recordings/", instance));
        string? storedWhenAsked = null;
        await using var imds = MetadataServer.Start(instance, onTokenRequest: () => storedWhenAsked = StoredPlaylist(bucket));

        var key = $"key-{Guid.NewGuid():N}"[..16];
        var settings = EncoderDaemon.Settings("class-st", Camera.Url, Ingest.UrlFor(key), work);
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(8); // the daemon is up before it (4 s was not always enough beside three other classes at load ~45)
        settings["Session:StartsAt"] = startsAt.ToString("O", CultureInfo.InvariantCulture);
        settings["Session:MaxDuration"] = "00:00:08";
        settings["SelfTerminate:Enabled"] = "true";
        EncoderDaemon.StoreInS3(settings, bucket, Moto.Url);
        var environment = Moto.EnvironmentFor(role);
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Url; // the SDK-standard variable, not the Encoder key

        await using var daemon = EncoderDaemon.Start(settings, environment);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var log = daemon.Output;

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), log);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), log);
        Assert.That(await Moto.StateOfAsync(bystander), Is.EqualTo("running"), "only the daemon's own instance may go");

        // FFmpeg did not start before the class did.
        var firstRun = Directory.GetFiles(Path.Combine(work, "recordings", "class-st", "logs"), "ffmpeg-recorder-*-run001.log").Single();
        var firstRunAt = DateTimeOffset.ParseExact(FfmpegLogTime().Match(firstRun).Groups[1].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        Assert.That(firstRunAt, Is.GreaterThanOrEqualTo(startsAt.AddTicks(-(startsAt.Ticks % TimeSpan.TicksPerSecond))));

        // The metadata service was first asked only once the drain had stored the complete playlist.
        Assert.That(storedWhenAsked, Does.Contain("#EXT-X-ENDLIST"), "termination began before the uploader had drained");

        // On stop: FFmpeg flushed first, the uploader drained second, self-termination ran last; each with its duration.
        var steps = new[]
        {
            "The session starts at", "The session starts now", "Starting recorder run 1", "Session end reached",
            "Stopping recorder run 1", "Recorder run 1 flushed in", "Upload drained in", $"Terminating instance {instance} in {MotoServer.Region}",
            $"EC2 is terminating instance {instance}: running -> ", "Self-termination step finished in",
        };
        var positions = steps.Select(step => log.IndexOf(step, StringComparison.Ordinal)).ToList();
        Assert.That(positions, Is.Ordered.And.All.GreaterThanOrEqualTo(0), log);
        Assert.That(log, Does.Match(@"Recorder run 1 flushed in \d+\.\d\ds").And.Match(@"Upload drained in \d+\.\d\ds").And.Match(@"Self-termination step finished in \d+\.\d\ds"));
        Assert.That(ProcessTable.WithCommandLineContaining(key), Is.Empty, "an FFmpeg outlived the daemon");
    }

    /// <summary>The playlist as S3 holds it at this moment (called from the metadata server's request thread).</summary>
    private string StoredPlaylist(string bucket)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Moto.GetAsync(bucket, "recordings/class-st/" + RecordingLayout.PlaylistFileName).GetAwaiter().GetResult());
        }
        catch (Amazon.S3.AmazonS3Exception)
        {
            return "(nothing stored)";
        }
    }

    [GeneratedRegex(@"ffmpeg-recorder-(\d{8}T\d{6}Z)-run001\.log$")]
    private static partial Regex FfmpegLogTime();
}
