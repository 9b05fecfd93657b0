using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// A class that is over with uploads the drain could not store, on a (moto) EC2 instance enforcing the instance
/// policy: the data outlives the instance (its root volume is kept at termination) and the alarm is raised off it
/// (an instance tag, an alert object when S3 answers). Each class is a late start (its end is past, its recording on
/// disk), so the daemon goes straight to the drain and the decision.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(6)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~45 s
[Category("Integration")]
public sealed class PendingUploadsKeptTests : LiveClassFixture
{
    protected override bool WithMoto => true;

    private sealed record ClassRun(string Instance, string Bucket, Dictionary<string, string> Settings, Dictionary<string, string> Environment, string SessionDirectory)
    {
        public string Key(string name) => $"recordings/{Settings["SessionId"]}/{name}";
    }

    /// <summary>A class whose end is 10 minutes past, with 3 s of recording on disk and nothing stored.</summary>
    private async Task<ClassRun> EndedClassAsync(string sessionId, MetadataServer imds, string instance, Func<string, string>? policy = null)
    {
        var work = Path.Combine(Work, sessionId);
        var bucket = await Moto.CreateBucketAsync($"rec-{sessionId}");
        var instancePolicy = IamPolicies.Instance(bucket, "recordings/", instance);
        var role = await Moto.CreateUserAsync($"instance-{sessionId}", policy?.Invoke(instancePolicy) ?? instancePolicy);
        var settings = EncoderDaemon.Settings(sessionId, Camera.Url, Ingest.UrlFor(NewStreamKey()), work);
        settings["Session:EndsAt"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture);
        settings["SelfTerminate:Enabled"] = "true";
        settings["SelfTerminate:TimeoutSeconds"] = "10";
        settings["Ffmpeg:StopTimeoutSeconds"] = "5";
        settings["ShutdownTimeout"] = "00:00:30"; // a drain that cannot store everything gives up after ~12 s
        EncoderDaemon.StoreInS3(settings, bucket, Moto.Url);
        var environment = Moto.EnvironmentFor(role);
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Url;
        var run = new ClassRun(instance, bucket, settings, environment, Path.Combine(work, "recordings", sessionId));

        Directory.CreateDirectory(run.SessionDirectory);
        var ffmpeg = await Tool.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3",
            "-c:v", "libx264", "-g", "10", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "event",
            "-hls_segment_filename", Path.Combine(run.SessionDirectory, "seg_%05d.ts"), Path.Combine(run.SessionDirectory, RecordingLayout.PlaylistFileName)]);
        Assert.That(ffmpeg.ExitCode, Is.Zero, ffmpeg.Output);
        return run;
    }

    /// <summary>The instance policy plus a refusal of every segment: S3 answers, but the segments stay on the machine.</summary>
    private static string DenyingSegments(string policy, string bucket, string sessionId)
    {
        var document = JsonNode.Parse(policy)!;
        document["Statement"]!.AsArray().Add(JsonNode.Parse($$"""
            {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/recordings/{{sessionId}}/seg_*"}
            """));
        return document.ToJsonString();
    }

    private async Task<JsonDocument?> AlertAsync(ClassRun run)
    {
        var objects = await Moto.ListAsync(run.Bucket);
        if (!objects.Any(o => o.Key == run.Key(PendingUploadsKeeper.AlertObjectName)))
            return null;
        return JsonDocument.Parse(Encoding.UTF8.GetString(await Moto.GetAsync(run.Bucket, run.Key(PendingUploadsKeeper.AlertObjectName))));
    }

    /// <summary>What the hard stop ends with: EC2 terminates the instance (the poweroff, InstanceInitiatedShutdownBehavior=terminate).</summary>
    private async Task HardStopAsync(string instance)
    {
        using var ec2 = Moto.Ec2();
        await ec2.TerminateInstancesAsync(new Amazon.EC2.Model.TerminateInstancesRequest { InstanceIds = [instance] });
    }

    [Test]
    public async Task Everything_stored_terminates_the_instance_with_its_root_volume_and_raises_no_alarm()
    {
        var instance = await Moto.RunInstanceAsync();
        var volume = await Moto.RootVolumeOfAsync(instance);
        await using var imds = MetadataServer.Start(instance);
        var run = await EndedClassAsync("class-stored", imds, instance);

        await using var daemon = EncoderDaemon.Start(run.Settings, run.Environment);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), daemon.Output);
        Assert.That(await Moto.VolumeExistsAsync(volume), Is.False, "nothing is kept when everything is stored");
        Assert.That(await Moto.TagAsync(instance, PendingUploadsKeeper.PendingTag), Is.Null);
        Assert.That(await AlertAsync(run), Is.Null);
        Assert.That(File.Exists(Path.Combine(run.SessionDirectory, PendingUploadsKeeper.MarkerFileName)), Is.False);
    }

    [Test]
    public async Task Uploads_pending_at_the_deadline_keep_the_root_volume_past_termination_tag_the_instance_and_put_an_alert_in_s3()
    {
        var instance = await Moto.RunInstanceAsync();
        var volume = await Moto.RootVolumeOfAsync(instance);
        await using var imds = MetadataServer.Start(instance);
        const string session = "class-denied";
        var bucketName = $"rec-{session}";
        var run = await EndedClassAsync(session, imds, instance, policy => DenyingSegments(policy, bucketName, session));
        var segments = Directory.GetFiles(run.SessionDirectory, "seg_*.ts").Length;

        await using var daemon = EncoderDaemon.Start(run.Settings, run.Environment);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UploadsPending), daemon.Output);
        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("running"), "the instance stays for the operator until the hard stop");
        Assert.That(await Moto.RootVolumeDeletedOnTerminationAsync(instance), Is.False, daemon.Output);
        var tag = await Moto.TagAsync(instance, PendingUploadsKeeper.PendingTag);
        Assert.That(int.Parse(tag!, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(segments), daemon.Output);
        using var alert = await AlertAsync(run);
        Assert.That(alert, Is.Not.Null, daemon.Output);
        Assert.That(alert!.RootElement.GetProperty("instanceId").GetString(), Is.EqualTo(instance));
        Assert.That(alert.RootElement.GetProperty("keptVolume").GetString(), Is.EqualTo(MotoServer.RootDevice));
        Assert.That(alert.RootElement.GetProperty("pending").EnumerateArray().Select(p => p.GetString()), Does.Contain("class-denied/seg_00000.ts"));
        Assert.That(Directory.GetFiles(run.SessionDirectory, "seg_*.ts"), Has.Length.EqualTo(segments), "no segment S3 does not hold is deleted");

        await HardStopAsync(instance);

        Assert.That(await Moto.VolumeExistsAsync(volume), Is.True, "the root volume outlives the instance");
    }

    [Test]
    public async Task With_s3_down_the_volume_is_still_kept_and_the_instance_tagged_and_a_later_run_that_stores_everything_releases_it()
    {
        var instance = await Moto.RunInstanceAsync();
        var volume = await Moto.RootVolumeOfAsync(instance);
        await using var imds = MetadataServer.Start(instance);
        var run = await EndedClassAsync("class-s3down", imds, instance);
        var reachable = run.Settings["Storage:ServiceUrl"];
        run.Settings["Storage:ServiceUrl"] = $"http://127.0.0.1:{FreePort.Next()}"; // nothing listens: S3 is down, EC2 answers

        await using (var down = EncoderDaemon.Start(run.Settings, run.Environment))
        {
            Assert.That(await down.WaitForExitAsync(TimeSpan.FromSeconds(120)), Is.EqualTo(ExitCodes.UploadsPending), down.Output);
            Assert.That(await Moto.RootVolumeDeletedOnTerminationAsync(instance), Is.False, down.Output);
            Assert.That(await Moto.TagAsync(instance, PendingUploadsKeeper.PendingTag), Is.Not.Null.And.Not.EqualTo("0"), down.Output);
            Assert.That(File.Exists(Path.Combine(run.SessionDirectory, PendingUploadsKeeper.MarkerFileName)), Is.True, "the keep is remembered on the machine");
            Assert.That(await Moto.ListAsync(run.Bucket), Is.Empty);
        }

        // The operator's retry once S3 is back: a late restart stores the rest, releases the volume and terminates.
        run.Settings["Storage:ServiceUrl"] = reachable;
        await using var retry = EncoderDaemon.Start(run.Settings, run.Environment);
        Assert.That(await retry.WaitForExitAsync(TimeSpan.FromSeconds(90)), Is.EqualTo(ExitCodes.Clean), retry.Output);

        Assert.That(await Moto.StateOfAsync(instance), Is.EqualTo("terminated"), retry.Output);
        Assert.That(await Moto.VolumeExistsAsync(volume), Is.False, "once everything is stored the volume goes with the instance");
        using var alert = await AlertAsync(run);
        Assert.That(alert?.RootElement.GetProperty("resolved").GetBoolean(), Is.True, retry.Output);
        using var manifest = JsonDocument.Parse(await Moto.GetAsync(run.Bucket, run.Key("session.json")));
        var mp4 = manifest.RootElement.GetProperty("replay").GetProperty("mp4");
        Assert.That(mp4.ValueKind, Is.EqualTo(JsonValueKind.Object), "the replay the first run could not store, the later run finished\n" + retry.Output);
        Assert.That((await Moto.GetAsync(run.Bucket, mp4.GetProperty("key").GetString()!)).Length, Is.EqualTo(mp4.GetProperty("size").GetInt64()));
        using var s3 = Moto.Client();
        Assert.That((await s3.ListMultipartUploadsAsync(run.Bucket)).MultipartUploads ?? [], Is.Empty, "no upload left unfinished");
    }
}
