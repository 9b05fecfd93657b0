using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Encoder.Launch;
using Microsoft.Extensions.Time.Testing;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class LaunchCommandTests
{
    private StringWriter _stdout = null!;
    private StringWriter _stderr = null!;
    private FakeLauncher _launcher = null!;

    [SetUp]
    public void SetUp()
    {
        _stdout = new StringWriter { NewLine = "\n" };
        _stderr = new StringWriter { NewLine = "\n" };
        _launcher = new FakeLauncher();
    }

    [TearDown]
    public void TearDown()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private Task<int> RunAsync(IReadOnlyList<string> args) =>
        LaunchCommand.RunAsync(args, _stdout, _stderr, new FakeTimeProvider(Now), region => { _launcher.Region = region; return _launcher; });

    [Test]
    public async Task A_launch_prints_only_the_instance_id_on_stdout_and_no_secret_anywhere()
    {
        var exit = await RunAsync(Args("--region", "eu-west-1"));

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Is.EqualTo("i-0123456789abcdef0\n"));
        Assert.That(_stderr.ToString(), Is.EqualTo("encoder launch: class yoga-2026-11-23-1800 on i-0123456789abcdef0 (c5d.large, recording on the instance store), hard stop at 2026-11-23T19:30:00Z\n"));
        Assert.That(_launcher.Region, Is.EqualTo("eu-west-1"));
        Assert.That(_launcher.Requests.Single().UserData, Is.Not.Empty);
    }

    [Test]
    public async Task A_dry_run_prints_the_user_data_and_launches_nothing()
    {
        var exit = await RunAsync(Args("--dry-run"));

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.StartWith("#cloud-config\n").And.Contain(CameraPassword));
        Assert.That(_launcher.Requests, Is.Empty);
    }

    [Test]
    public async Task Help_goes_to_stdout_and_warns_that_a_dry_run_prints_secrets()
    {
        var exit = await RunAsync(["--help"]);

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Contain("Usage:\n  encoder launch [options]").And.Contain("holds the class's secrets in clear"));
    }

    [Test]
    public async Task Bad_parameters_exit_2_with_a_line_each_on_stderr_and_launch_nothing()
    {
        var exit = await RunAsync(ArgsWith("--ami", "ubuntu"));

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Is.EqualTo("encoder launch: --ami: must look like ami-0123456789abcdef0\n"));
        Assert.That(_stdout.ToString(), Is.Empty);
        Assert.That(_launcher.Requests, Is.Empty);
    }

    [Test]
    public async Task User_data_over_the_ec2_limit_is_refused_before_launching()
    {
        var exit = await RunAsync(Args("--set", $"Encoder:Ffmpeg:Path=/opt/{new string('f', 17 * 1024)}"));

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Does.Match(@"^encoder launch: user-data: \d+ bytes, more than EC2's 16384\n$"));
        Assert.That(_launcher.Requests, Is.Empty);
    }

    [Test]
    public async Task An_ec2_refusal_exits_1_with_aws_s_reason()
    {
        _launcher.Failure = new AmazonEC2Exception("Instance profile encoder-class not found") { ErrorCode = "NoSuchEntity" };

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_stderr.ToString(), Is.EqualTo("encoder launch: RunInstances failed: NoSuchEntity: Instance profile encoder-class not found\n"));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task An_unreachable_ec2_exits_1()
    {
        _launcher.Failure = new AmazonClientException("No credentials");

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_stderr.ToString(), Is.EqualTo("encoder launch: RunInstances failed: No credentials\n"));
    }

    // whether EC2 says the instance type has instance store → the root volume in RunInstances (null: the AMI's)
    [TestCase(true, null)]
    [TestCase(false, 15)]
    [TestCase(null, 15)]
    public async Task Without_instance_store_the_root_volume_is_sized_for_the_class_from_launch_to_hard_stop(bool? instanceStore, int? rootGiB)
    {
        _launcher.InstanceStore = instanceStore;

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.Zero, _stderr.ToString());
        var mappings = _launcher.Requests.Single().BlockDeviceMappings;
        Assert.That(mappings?.Single().Ebs.VolumeSize, Is.EqualTo(rootGiB));
    }

    private sealed class FakeLauncher : IInstanceLauncher
    {
        public List<RunInstancesRequest> Requests { get; } = [];
        public Exception? Failure { get; set; }
        public string? Region { get; set; }
        public bool? InstanceStore { get; set; } = true;

        public Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken) => Task.FromResult(InstanceStore);

        public Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Failure is null ? Task.FromResult("i-0123456789abcdef0") : Task.FromException<string>(Failure);
        }
    }
}
