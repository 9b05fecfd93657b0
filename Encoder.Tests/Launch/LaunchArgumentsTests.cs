using Encoder.Launch;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class LaunchArgumentsTests
{
    [Test]
    public void A_complete_class_becomes_a_request_with_the_documented_defaults()
    {
        var parse = LaunchArguments.Parse(Args(), Now);

        Assert.That(parse.Errors, Is.Empty);
        var request = parse.Request!;
        Assert.That(request.SessionId, Is.EqualTo("yoga-2026-11-23-1800"));
        Assert.That(request.EndsAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero)));
        Assert.That(request.HardStopAt, Is.EqualTo(request.EndsAt + TimeSpan.FromMinutes(30)));
        Assert.That(request.Instance.InstanceType, Is.EqualTo("t3a.xlarge"), "the default mode, auto, may transcode: sized for it");
        Assert.That(request.Instance.ImageId, Is.EqualTo("ami-0123456789abcdef0"));
        Assert.That(request.Instance.InstanceProfile, Is.EqualTo("encoder-class"));
        Assert.That(request.Instance.SecurityGroupIds, Is.Empty);
        Assert.That(request.DryRun, Is.False);
        Assert.That(request.ClassSettings, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["Encoder:SessionId"] = "yoga-2026-11-23-1800",
            ["Encoder:Camera:Url"] = "ssm:/encoder/yoga-2026-11-23-1800/camera-url",
            ["Encoder:Ingest:Primary"] = "ssm:/encoder/yoga-2026-11-23-1800/ingest-primary",
            ["Encoder:Session:EndsAt"] = "2026-11-23T19:00:00Z",
            ["Encoder:Storage:Bucket"] = "studio-recordings",
            ["Encoder:Storage:Kind"] = "s3",
            ["Encoder:SelfTerminate:Enabled"] = "true",
            ["Encoder:SelfTerminate:ShutdownFallback"] = "true",
        }));
    }

    [Test]
    public void Every_option_can_be_written_with_an_equals_sign_and_set_passes_other_daemon_settings_through()
    {
        var parse = LaunchArguments.Parse(
            Args("--instance-type=c6i.xlarge", "--hard-limit=01:00:00", "--set", "Encoder:Video:Mode=transcode",
                "--set=Encoder:Recording:SegmentSeconds=4", "--security-group-id", "sg-0123abcd", "--security-group-id", "sg-4567ef01",
                "--subnet-id", "subnet-0123abcd", "--key-name", "ops", "--region", "eu-west-1", "--ingest-secondary", "rtmp://b.example.com/live/backup"),
            Now);

        Assert.That(parse.Errors, Is.Empty);
        var request = parse.Request!;
        Assert.That(request.Instance, Is.EqualTo(request.Instance with
        {
            KeyName = "ops",
            Region = "eu-west-1",
        }));
        Assert.That(request.Instance.InstanceTypes, Is.EqualTo(new[] { "c6i.xlarge" }));
        Assert.That(request.Instance.SubnetIds, Is.EqualTo(new[] { "subnet-0123abcd" }));
        Assert.That(request.Instance.SecurityGroupIds, Is.EqualTo(new[] { "sg-0123abcd", "sg-4567ef01" }));
        Assert.That(request.HardStopAt - request.EndsAt, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(request.ClassSettings["Encoder:Video:Mode"], Is.EqualTo("transcode"));
        Assert.That(request.ClassSettings["Encoder:Recording:SegmentSeconds"], Is.EqualTo("4"));
        Assert.That(request.Secrets.Single(s => s.ConfigKey == "Encoder:Ingest:Secondary").Value, Is.EqualTo("rtmp://b.example.com/live/backup"));
    }

    [Test]
    public void A_dry_run_needs_no_ami_and_no_instance_profile()
    {
        var args = ArgsWithout("--ami");
        args.RemoveRange(args.IndexOf("--instance-profile"), 2);
        args.Add("--dry-run");

        var parse = LaunchArguments.Parse(args, Now);

        Assert.That(parse.Errors, Is.Empty);
        Assert.That(parse.Request!.DryRun, Is.True);
    }

    [Test]
    public void Help_wins_over_everything_else() =>
        Assert.That(LaunchArguments.Parse(["--bogus", "--help"], Now).Help, Is.True);

    // Each case: one bad parameter, and the one line that must name it.
    [TestCase("--session-id", null, "--session-id: is required (it names the recording)")]
    [TestCase("--session-id", "../etc", "--session-id: may contain only letters, digits, '.', '_' and '-' (at most 128)")]
    [TestCase("--camera-url", null, "--camera-url: is required (an rtsp:// or rtsps:// URL)")]
    [TestCase("--camera-url", "http://viewer:cam-s3cret@10.0.0.5/stream", "--camera-url: must be an rtsp:// or rtsps:// URL (got http://)")]
    [TestCase("--ingest-primary", null, "--ingest-primary: is required (an rtmp:// or rtmps:// URL)")]
    [TestCase("--ingest-primary", "rtmp://a.rtmp.example.com/live", "--ingest-primary: must be rtmp://host[:port]/app/streamkey (the stream key is missing)")]
    [TestCase("--ends-at", null, "--ends-at: is required (the class's end, e.g. 2026-11-23T19:00:00Z)")]
    [TestCase("--bucket", null, "--bucket: is required when Encoder:Storage:Kind is s3")]
    [TestCase("--ends-at", "tonight", "--ends-at: cannot be read as an ISO-8601 instant (e.g. 2026-11-23T18:00:00Z)")]
    [TestCase("--ends-at", "2026-11-23T17:00:00Z", "--ends-at: is in the past (2026-11-23T17:00:00.0000000+00:00; now is 2026-11-23T18:00:00.0000000+00:00)")]
    [TestCase("--ends-at", "2026-11-24T06:00:00Z", "--ends-at: the class's end plus --hard-limit must fall within 12 h of the launch (the AMI's uptime cap)")]
    [TestCase("--hard-limit", "30m", "--hard-limit: must be a duration hh:mm:ss")]
    [TestCase("--hard-limit", "00:01:00", "--hard-limit: must be at least Encoder:ShutdownTimeout (00:02:00), so a normal stop fits")]
    [TestCase("--ami", null, "--ami: is required (e.g. ami-0123456789abcdef0)")]
    [TestCase("--ami", "ubuntu", "--ami: must look like ami-0123456789abcdef0")]
    [TestCase("--instance-profile", null, "--instance-profile: is required (e.g. encoder-class or arn:aws:iam::123456789012:instance-profile/encoder-class)")]
    [TestCase("--instance-profile", "encoder class", "--instance-profile: must look like encoder-class or arn:aws:iam::123456789012:instance-profile/encoder-class")]
    [TestCase("--instance-type", "huge", "--instance-type: must look like c5d.2xlarge")]
    [TestCase("--subnet-id", "10.0.0.0/24", "--subnet-id: must look like subnet-0123abcd")]
    [TestCase("--security-group-id", "default", "--security-group-id: must look like sg-0123abcd")]
    [TestCase("--region", "Ireland", "--region: must look like eu-west-1")]
    [TestCase("--set", "Encoder:Camra:Url=rtsp://x/y", "Encoder:Camra:Url: is not a known key (did you mean Encoder:Camera:Url?)")]
    [TestCase("--set", "Encoder:Camera:Url=rtsp://x/y", "--set: Encoder:Camera:Url has its own option, --camera-url")]
    [TestCase("--set", "Video:Mode=transcode", "--set: must be Encoder:KEY=VALUE (the key does not start with Encoder:)")]
    [TestCase("--set", "Encoder:Video:Mode", "--set: must be Encoder:KEY=VALUE (no '=' found)")]
    [TestCase("--set", "Encoder:Video:Mode=h265", "Encoder:Video:Mode: cannot be read as one of auto, copy, transcode")]
    public void A_bad_parameter_fails_with_one_line_naming_it(string flag, string? value, string expected)
    {
        var args = value is null ? ArgsWithout(flag) : ArgsWith(flag, value);

        var parse = LaunchArguments.Parse(args, Now);

        Assert.That(parse.Request, Is.Null);
        Assert.That(parse.Errors, Is.EqualTo(new[] { expected }));
    }

    // Each case: arguments that are not options as the table defines them.
    [TestCase(new[] { "--session" }, "--session: unknown option (see encoder launch --help)")]
    [TestCase(new[] { "--camra-url=rtsp://viewer:cam-s3cret@host/x" }, "--camra-url: unknown option (see encoder launch --help)")]
    [TestCase(new[] { "rtsp://viewer:cam-s3cret@host/x" }, "argument 15: expected an option such as --session-id (see encoder launch --help)")]
    [TestCase(new[] { "--session-id", "other" }, "--session-id: given more than once")]
    [TestCase(new[] { "--dry-run=yes" }, "--dry-run: takes no value")]
    [TestCase(new[] { "--key-name" }, "--key-name: needs a value (NAME)")]
    public void Malformed_arguments_fail_with_one_line_each(string[] extra, string expected)
    {
        var parse = LaunchArguments.Parse(Args(extra), Now);

        Assert.That(parse.Errors, Is.EqualTo(new[] { expected }));
    }

    // Each case: a secret where it does not belong; no error line may repeat it, whichever rule refuses it.
    [TestCase("--camera-url", $"http://viewer:{CameraPassword}@10.0.0.5/s")]
    [TestCase("--ingest-primary", $"srt://a.example.com/live/{StreamKey}")]
    [TestCase("--ends-at", $"rtsp://viewer:{CameraPassword}@10.0.0.5/s")]
    [TestCase("--hard-limit", $"rtsp://viewer:{CameraPassword}@10.0.0.5/s")]
    [TestCase("--ami", $"rtsp://viewer:{CameraPassword}@10.0.0.5/s")]
    [TestCase("--region", $"rtmp://a.example.com/live/{StreamKey}")]
    [TestCase("--set", $"Encoder:Ingest:Secondry=rtmp://b/live/{StreamKey}")]
    [TestCase("--set", $"Encoder:Camera:TimeoutSeconds=rtsp://viewer:{CameraPassword}@x/y")]
    [TestCase("--set", $"Encoder:Video:Mode=rtsp://viewer:{CameraPassword}@x/y")]
    [TestCase("--set", $"rtsp://viewer:{CameraPassword}@x/y?a=b")]
    [TestCase($"rtsp://viewer:{CameraPassword}@x/y", null)]
    [TestCase($"--camra={CameraPassword}", null)]
    [TestCase($"--camra:{CameraPassword}", null)]
    [TestCase($"--dry-run={CameraPassword}", null)]
    public void Error_lines_never_repeat_a_camera_password_or_stream_key(string argument, string? value)
    {
        var args = value is null ? Args(argument) : ArgsWith(argument, value);

        var parse = LaunchArguments.Parse(args, Now);

        Assert.That(parse.Errors, Is.Not.Empty);
        Assert.That(string.Join('\n', parse.Errors), Does.Not.Contain(CameraPassword).And.Not.Contain(StreamKey));
    }
}
