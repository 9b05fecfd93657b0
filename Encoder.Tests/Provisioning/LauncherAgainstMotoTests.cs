using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The published binary's `encoder launch` against moto_server's EC2 enforcing IAM, run as a user holding only
/// <c>iam/encoder-launcher-policy.json</c> (the CMS's): what RunInstances really received. One moto for the fixture;
/// each test launches its own session as its own launcher user and looks only at that session's instances.
/// </summary>
[NonParallelizable] // after the end-to-end tests, when the binary is published: as an overlapping fixture NUnit ran it first of all, holding the run ~150 s for the publish
[Category("Deploy")]
[Category("Integration")]
public sealed class LauncherAgainstMotoTests
{
    private const string CameraPassword = "cam-s3cret";
    private MotoServer _moto = null!;

    [OneTimeSetUp]
    public async Task StartMoto()
    {
        _moto = await MotoServer.StartEnforcingIamAsync();
        await _moto.CreateInstanceProfileAsync("encoder-class", "encoder-instance");
    }

    [OneTimeTearDown]
    public async Task StopMoto() => await _moto.DisposeAsync();

    /// <summary>The instances tagged with <paramref name="sessionId"/> (the other tests' sessions run on the same moto).</summary>
    private static async Task<List<Instance>> InstancesOfAsync(AmazonEC2Client ec2, string sessionId) =>
        (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:encoder:session-id", [sessionId])] }))
        .Reservations.SelectMany(r => r.Instances).ToList();

    /// <summary>The ClientToken of each of <paramref name="instances"/> (<see cref="MotoServer.ClientTokensAsync"/>).</summary>
    private async Task<Dictionary<string, string?>> ClientTokensOfAsync(IEnumerable<Instance> instances)
    {
        var ids = instances.Select(i => i.InstanceId).ToHashSet();
        return (await _moto.ClientTokensAsync()).Where(t => ids.Contains(t.Key)).ToDictionary();
    }

    [Test]
    public async Task Launch_creates_one_instance_with_the_class_user_data_tags_and_terminate_on_shutdown()
    {
        var binary = await PublishedEncoder.PathAsync();
        var moto = _moto;
        var launcher = await moto.CreateUserAsync("launcher-yoga-moto", IamPolicies.Launcher("encoder-instance"));
        var endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string[] args =
        [
            "launch", "--session-id", "yoga-moto", "--camera-url", $"rtsp://viewer:{CameraPassword}@10.0.0.5/stream1",
            "--ingest-primary", "rtmp://a.rtmp.example.com/live/primary-key", "--ends-at", endsAt,
            "--bucket", "studio-recordings", "--ami", "ami-0123456789abcdef0", "--instance-profile", "encoder-class",
        ];

        var launch = await Tool.RunAsync(binary, args, moto.EnvironmentFor(launcher));
        var dryRun = await Tool.RunAsync(binary, [.. args, "--dry-run"]);

        Assert.That(launch.ExitCode, Is.Zero, launch.Output);
        Assert.That(launch.Output, Does.Not.Contain(CameraPassword));
        var instanceId = Regex.Match(launch.Output, "^i-[0-9a-f]+$", RegexOptions.Multiline).Value;
        Assert.That(instanceId, Is.Not.Empty, launch.Output);

        using var ec2 = moto.Ec2();
        var instances = await InstancesOfAsync(ec2, "yoga-moto");
        Assert.That(instances.Select(i => i.InstanceId), Is.EqualTo(new[] { instanceId }));
        var instance = instances[0];
        Assert.That(instance.ImageId, Is.EqualTo("ami-0123456789abcdef0"));
        Assert.That(instance.InstanceType, Is.EqualTo(InstanceType.T3aXlarge), "the default mode, auto, may transcode: sized for it");
        Assert.That(instance.IamInstanceProfile.Arn, Does.EndWith(":instance-profile/encoder-class"));
        Assert.That(instance.MetadataOptions.HttpTokens, Is.EqualTo(HttpTokensState.Required));
        Assert.That(instance.MetadataOptions.HttpPutResponseHopLimit, Is.EqualTo(1));
        Assert.That(instance.Tags.ToDictionary(t => t.Key, t => t.Value), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["Name"] = "encoder-yoga-moto",
            ["encoder:session-id"] = "yoga-moto",
            ["encoder:hard-stop-at"] = DateTimeOffset.Parse(endsAt, CultureInfo.InvariantCulture).AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        }));

        var shutdown = await ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.InstanceInitiatedShutdownBehavior });
        Assert.That(shutdown.InstanceAttribute.InstanceInitiatedShutdownBehavior, Is.EqualTo("terminate"));
        var userData = await ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.UserData });
        Assert.That(dryRun.ExitCode, Is.Zero, dryRun.Output);
        var userDataText = Encoding.UTF8.GetString(Convert.FromBase64String(userData.InstanceAttribute.UserData));
        var dryRunUserData = string.Join('\n', dryRun.Output.Split('\n').Where(l => !l.StartsWith("encoder launch: ", StringComparison.Ordinal)));
        Assert.That(userDataText.TrimEnd('\n'), Is.EqualTo(dryRunUserData), "the dry run prints what is launched (its stderr lines aside)");
        Assert.That(userDataText, Does.Not.Contain(CameraPassword).And.Contain("ssm:/encoder/yoga-moto/camera-url"));
        Assert.That(launch.Output, Does.Contain("WARN: --camera-url on the command line"), "argv still works, with a WARN");
        Assert.That(dryRun.Output, Does.Contain("dry run: would put SecureString /encoder/yoga-moto/camera-url").And.Not.Contain(CameraPassword));
        Assert.That(launch.Output, Does.Contain("(t3a.xlarge, root volume 15 GiB for the recording)"), "no instance store: the root volume holds the class");
        foreach (var output in new[] { launch.Output, dryRun.Output })
            Assert.That(output, Does.Contain("encoder launch: instance t3a.xlarge: x86_64, 4 vCPU at a 40 % baseline each, unlimited credits, 16 GiB; about $0.2"), "the type, its size and the class's cost, in one line");

        // The shipped (Native AOT) daemon, as the instance, from that encoder.json: it resolves the camera's reference
        // and names the one parameter that does not exist (the class has no secondary slot).
        var instanceUser = await moto.CreateUserAsync("encoder-instance-user", IamPolicies.Instance("studio-recordings", "recordings"));
        using var folder = DeployFiles.NewTempFolder();
        await File.WriteAllTextAsync(folder.File("encoder.json"), Encoder.Tests.Launch.UserDataTests.ConfigFile(userDataText));
        var environment = moto.EnvironmentFor(instanceUser);
        environment["ENCODER_CONFIG"] = folder.File("encoder.json");
        environment["DOTNET_ENVIRONMENT"] = "Production";
        var daemon = await Tool.RunAsync(binary, ["--Encoder:Ingest:Primary=ssm:/encoder/yoga-moto/ingest-secondary"], environment, folder.Path);

        Assert.That(daemon.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), daemon.Output);
        Assert.That(daemon.Output.Split('\n').Where(l => l.StartsWith("encoder: ", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "encoder: configuration error: Encoder:Ingest:Primary: the SSM parameter /encoder/yoga-moto/ingest-secondary does not exist (deleted, expired, or another region) (ParameterNotFound)",
        }), "the camera's reference resolved; only the missing one is named");
    }

    /// <summary>
    /// EC2 answers a RunInstances whose ClientToken it has seen with the instance that token started; moto records the
    /// token but does not honour it (it would start another instance). What moto proves: the first launch sends the
    /// session's token for its attempt, and a retry finds the session's running instance (DescribeInstances by the
    /// session tag, allowed by the launcher policy) and runs nothing.
    /// </summary>
    [Test]
    public async Task A_retried_launch_answers_the_session_s_instance_and_starts_no_second_one()
    {
        var binary = await PublishedEncoder.PathAsync();
        var moto = _moto;
        var launcher = await moto.CreateUserAsync("launcher-yoga-retry", IamPolicies.Launcher("encoder-instance"));
        var endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string[] args =
        [
            "launch", "--session-id", "yoga-retry", "--camera-url", "rtsp://10.0.0.5/stream1", "--ingest-primary", "rtmp://a.rtmp.example.com/live/primary-key",
            "--ends-at", endsAt, "--bucket", "studio-recordings", "--ami", IamPolicies.EncoderAmi, "--instance-profile", "encoder-class",
        ];

        var first = await Tool.RunAsync(binary, args, moto.EnvironmentFor(launcher));
        var retry = await Tool.RunAsync(binary, args, moto.EnvironmentFor(launcher));

        Assert.That((first.ExitCode, retry.ExitCode), Is.EqualTo((0, 0)), first.Output + retry.Output);
        var instanceId = Regex.Match(first.Output, "^i-[0-9a-f]+$", RegexOptions.Multiline).Value;
        Assert.That(Regex.Match(retry.Output, "^i-[0-9a-f]+$", RegexOptions.Multiline).Value, Is.EqualTo(instanceId));
        Assert.That(retry.Output, Does.Contain($"encoder launch: class yoga-retry already runs on {instanceId} (t3a.xlarge): nothing launched"));
        using var ec2 = moto.Ec2();
        var tokens = await ClientTokensOfAsync(await InstancesOfAsync(ec2, "yoga-retry"));
        Assert.That(tokens, Is.EqualTo(new Dictionary<string, string?> { [instanceId] = "encoder-yoga-retry/t3a.xlarge" }));
    }

    /// <summary>
    /// moto never runs out of capacity: <c>dev/moto-iam.py</c>'s stand-in (a subnet tagged
    /// <c>encoder-test:refuse:TYPE</c> = an EC2 error code) refuses RunInstances of that type there, after IAM allowed it.
    /// </summary>
    [Test]
    public async Task A_class_refused_for_capacity_runs_in_the_next_subnet_or_on_the_next_type_and_says_which_and_why()
    {
        var binary = await PublishedEncoder.PathAsync();
        var moto = _moto;
        var launcher = await moto.CreateUserAsync("launcher-yoga-capacity", IamPolicies.Launcher("encoder-instance"));
        using var ec2 = moto.Ec2();
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Select(s => s.SubnetId).Order(StringComparer.Ordinal).Take(2).ToList();
        await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [subnets[0]], Tags = [new Tag("encoder-test:refuse:t3a.micro", "InsufficientInstanceCapacity")] });
        await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [subnets[1]], Tags = [new Tag("encoder-test:refuse:t3a.micro", "Unsupported")] });
        var endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var launch = await Tool.RunAsync(binary,
        [
            "launch", "--session-id", "yoga-capacity", "--camera-url", "rtsp://10.0.0.5/stream1", "--ingest-primary", "rtmp://a.rtmp.example.com/live/primary-key",
            "--ends-at", endsAt, "--bucket", "studio-recordings", "--ami", IamPolicies.EncoderAmi, "--instance-profile", "encoder-class",
            "--set", "Encoder:Video:Mode=copy", "--subnet-id", subnets[0], "--subnet-id", subnets[1],
        ], moto.EnvironmentFor(launcher));

        Assert.That(launch.ExitCode, Is.Zero, launch.Output);
        var instanceId = Regex.Match(launch.Output, "^i-[0-9a-f]+$", RegexOptions.Multiline).Value;
        var instances = await InstancesOfAsync(ec2, "yoga-capacity");
        var instance = instances.Single();
        Assert.That((instance.InstanceId, instance.InstanceType.Value, instance.SubnetId), Is.EqualTo((instanceId, "t3.micro", subnets[0])));
        Assert.That(await ClientTokensOfAsync(instances), Is.EqualTo(new Dictionary<string, string?> { [instanceId] = $"encoder-yoga-capacity/t3.micro/{subnets[0]}" }));
        Assert.That(launch.Output, Does.Contain($"encoder launch: t3a.micro in {subnets[0]} refused (InsufficientInstanceCapacity: ").And.Contain($"trying t3a.micro in {subnets[1]}"));
        Assert.That(launch.Output, Does.Contain($"encoder launch: t3a.micro in {subnets[1]} refused (Unsupported: ").And.Contain($"trying t3.micro in {subnets[0]}"));
        Assert.That(launch.Output, Does.Contain($"encoder launch: class yoga-capacity on {instanceId} (t3.micro in {subnets[0]}, root volume ")
            .And.Contain($"after 2 capacity refusal(s): t3a.micro in {subnets[0]}: InsufficientInstanceCapacity; t3a.micro in {subnets[1]}: Unsupported"));
    }

    [Test]
    public async Task Without_instance_store_the_launch_asks_for_a_root_volume_that_holds_the_class()
    {
        var binary = await PublishedEncoder.PathAsync();
        var moto = _moto;
        var launcher = await moto.CreateUserAsync("launcher-yoga-volume", IamPolicies.Launcher("encoder-instance", "c5.2xlarge"));
        // c5.2xlarge is no type the launcher picks: a deployer who passes it adds it to the policy's ec2:InstanceType list.
        var endsAt = DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var launch = await Tool.RunAsync(binary,
        [
            "launch", "--session-id", "yoga-volume", "--camera-url", "rtsp://10.0.0.5/stream1", "--ingest-primary", "rtmp://a.rtmp.example.com/live/primary-key",
            "--ends-at", endsAt, "--bucket", "studio-recordings", "--ami", "ami-0123456789abcdef0", "--instance-profile", "encoder-class", "--instance-type", "c5.2xlarge",
        ], moto.EnvironmentFor(launcher));

        // 2 h 30 min from launch to hard stop at 8 Mbit/s: 8 + ceil(1.25 × 8e6 / 8 × 9000 / 2^30) = 8 + 11 (a few seconds less: still 11)
        Assert.That(launch.ExitCode, Is.Zero, launch.Output);
        Assert.That(launch.Output, Does.Contain("root volume 19 GiB for the recording"));
        var instanceId = Regex.Match(launch.Output, "^i-[0-9a-f]+$", RegexOptions.Multiline).Value;
        using var ec2 = moto.Ec2();
        var volumes = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("attachment.instance-id", [instanceId])] });
        Assert.That(volumes.Volumes.Select(v => (v.Size, v.Attachments.Single().Device)), Does.Contain((19, "/dev/xvda")));
    }
}
