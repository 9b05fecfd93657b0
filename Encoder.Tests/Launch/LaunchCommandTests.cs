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

    /// <summary>Runs the launcher with the secrets of <paramref name="args"/> moved to the environment, as the CMS should pass them.</summary>
    private Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var environment = new Dictionary<string, string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (LaunchSecret.All.FirstOrDefault(s => s.Flag == args[i]) is { } secret && i + 1 < args.Count)
                environment[secret.EnvironmentVariable] = args[++i];
            else
                rest.Add(args[i]);
        }

        return RunAsync(rest, new SecretInputs(environment.GetValueOrDefault, _ => throw new IOException("no file here")));
    }

    private Task<int> RunAsync(IReadOnlyList<string> args, SecretInputs inputs) =>
        LaunchCommand.RunAsync(args, _stdout, _stderr, new FakeTimeProvider(Now), region => { _launcher.Region = region; return _launcher; }, inputs);

    [Test]
    public async Task A_launch_prints_only_the_instance_id_on_stdout_and_no_secret_anywhere()
    {
        var exit = await RunAsync(Args("--region", "eu-west-1"));

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Is.EqualTo("i-0123456789abcdef0\n"));
        Assert.That(_stderr.ToString(), Is.EqualTo(
            "encoder launch: put SecureString /encoder/yoga-2026-11-23-1800/camera-url (Encoder:Camera:Url; Advanced tier, expires 2026-11-23T19:30:00Z)\n" +
            "encoder launch: put SecureString /encoder/yoga-2026-11-23-1800/ingest-primary (Encoder:Ingest:Primary; Advanced tier, expires 2026-11-23T19:30:00Z)\n" +
            "encoder launch: class yoga-2026-11-23-1800 on i-0123456789abcdef0 (c5d.xlarge, recording on the instance store), hard stop at 2026-11-23T19:30:00Z\n"));
        Assert.That(_launcher.Region, Is.EqualTo("eu-west-1"));
        Assert.That(_launcher.Requests.Single().UserData, Is.Not.Empty);
    }

    [Test]
    public async Task The_secrets_are_put_in_ssm_before_the_instance_is_run_and_the_user_data_holds_only_references()
    {
        var exit = await RunAsync(Args());

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_launcher.Calls, Is.EqualTo(new[] { "put /encoder/yoga-2026-11-23-1800/camera-url", "put /encoder/yoga-2026-11-23-1800/ingest-primary", "run" }));
        Assert.That(_launcher.Puts.Select(p => p.Value), Is.EqualTo(new[] { $"rtsp://viewer:{CameraPassword}@10.0.0.5:554/stream1", $"rtmp://a.rtmp.example.com/live/{StreamKey}" }));
        var userData = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(_launcher.Requests.Single().UserData));
        Assert.That(userData, Does.Contain("\"Url\": \"ssm:/encoder/yoga-2026-11-23-1800/camera-url\"").And.Not.Contain(CameraPassword).And.Not.Contain(StreamKey));
    }

    [Test]
    public async Task A_refused_put_exits_1_naming_the_parameter_never_the_value_and_runs_nothing()
    {
        _launcher.PutFailure = new Amazon.SimpleSystemsManagement.AmazonSimpleSystemsManagementException(
            $"Value rtsp://viewer:{CameraPassword}@10.0.0.5:554/stream1 refused") { ErrorCode = "AccessDeniedException" };

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_stderr.ToString(), Does.StartWith("encoder launch: PutParameter /encoder/yoga-2026-11-23-1800/camera-url failed: AccessDeniedException: ").And.Not.Contain(CameraPassword));
        Assert.That(_launcher.Requests, Is.Empty);
    }

    [Test]
    public async Task A_dry_run_prints_the_user_data_and_the_parameters_it_would_put_and_puts_and_launches_nothing()
    {
        var exit = await RunAsync(Args("--dry-run"));

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.StartWith("#cloud-config\n").And.Contain("ssm:/encoder/yoga-2026-11-23-1800/camera-url").And.Not.Contain(CameraPassword));
        Assert.That(_stderr.ToString(), Does.Contain("encoder launch: dry run: would put SecureString /encoder/yoga-2026-11-23-1800/camera-url"));
        Assert.That(_launcher.Calls, Is.Empty);
    }

    [Test]
    public async Task A_secret_on_the_command_line_still_launches_with_a_warn_naming_the_option_never_the_value()
    {
        var exit = await RunAsync(Args(), SecretInputs.None);

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_stderr.ToString(), Does.StartWith(
            "encoder launch: WARN: --camera-url on the command line is visible to every user of this machine (ps, /proc); pass it in ENCODER_CAMERA_URL or --secrets-file instead\n" +
            "encoder launch: WARN: --ingest-primary on the command line"));
        Assert.That(_stderr.ToString(), Does.Not.Contain(CameraPassword).And.Not.Contain(StreamKey));
        Assert.That(_launcher.Puts, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Secrets_read_from_stdin_through_secrets_file_dash()
    {
        using var stdin = new StringReader($"# the class's secrets\ncamera-url=rtsp://viewer:{CameraPassword}@10.0.0.5/s\ningest-primary=rtmp://a.example.com/live/{StreamKey}\n");
        var args = Args("--secrets-file", "-").Where(a => a != "--camera-url" && a != "--ingest-primary" && !a.Contains("://", StringComparison.Ordinal)).ToList();

        var exit = await RunAsync(args, SecretInputs.Process(stdin));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_stderr.ToString(), Does.Not.Contain("WARN"));
        Assert.That(_launcher.Puts.Select(p => p.Value), Is.EqualTo(new[] { $"rtsp://viewer:{CameraPassword}@10.0.0.5/s", $"rtmp://a.example.com/live/{StreamKey}" }));
    }

    [Test]
    public async Task Help_goes_to_stdout_and_says_where_secrets_come_from()
    {
        var exit = await RunAsync(["--help"]);

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Contain("Usage:\n  encoder launch [options]").And.Contain("ENCODER_CAMERA_URL").And.Contain("--secrets-file"));
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
        Assert.That(_stderr.ToString(), Does.EndWith("\nencoder launch: RunInstances failed: NoSuchEntity: Instance profile encoder-class not found\n"));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task An_unreachable_ec2_exits_1()
    {
        _launcher.Failure = new AmazonClientException("No credentials");

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_stderr.ToString(), Does.EndWith("\nencoder launch: RunInstances failed: No credentials\n"));
    }

    /// <summary>The CMS retries a launch whose answer it did not get (a timeout, a crash): EC2 is asked twice, one instance runs.</summary>
    [Test]
    public async Task A_retried_launch_of_the_same_session_starts_no_second_instance()
    {
        var first = await RunAsync(Args());
        var printed = _stdout.ToString();
        var retry = await RunAsync(Args());

        Assert.That((first, retry), Is.EqualTo((0, 0)));
        Assert.That(_launcher.Requests.Select(r => r.ClientToken), Is.EqualTo(new[] { "encoder-yoga-2026-11-23-1800", "encoder-yoga-2026-11-23-1800" }));
        Assert.That(_launcher.InstanceOfToken, Has.Count.EqualTo(1));
        Assert.That(_stdout.ToString(), Is.EqualTo(printed + printed), "the retry names the same instance");
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
        public List<string> Calls { get; } = [];
        public List<Amazon.SimpleSystemsManagement.Model.PutParameterRequest> Puts { get; } = [];
        public Exception? PutFailure { get; set; }
        public List<RunInstancesRequest> Requests { get; } = [];
        public Exception? Failure { get; set; }
        public string? Region { get; set; }
        public bool? InstanceStore { get; set; } = true;

        public Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken) => Task.FromResult(InstanceStore);

        public Task PutSecretAsync(Amazon.SimpleSystemsManagement.Model.PutParameterRequest request, CancellationToken cancellationToken)
        {
            if (PutFailure is not null)
                return Task.FromException(PutFailure);
            Calls.Add($"put {request.Name}");
            Puts.Add(request);
            return Task.CompletedTask;
        }

        /// <summary>EC2's idempotency: a request with a client token already used answers the instance that token started.</summary>
        public Dictionary<string, string> InstanceOfToken { get; } = [];

        public Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken)
        {
            Calls.Add("run");
            Requests.Add(request);
            if (Failure is not null)
                return Task.FromException<string>(Failure);
            if (request.ClientToken is { } token)
                return Task.FromResult(InstanceOfToken.TryGetValue(token, out var known) ? known : InstanceOfToken[token] = InstanceOfToken.Count == 0 ? "i-0123456789abcdef0" : $"i-{InstanceOfToken.Count:x17}");
            return Task.FromResult(Requests.Count == 1 ? "i-0123456789abcdef0" : $"i-{Requests.Count:x17}");
        }
    }
}
