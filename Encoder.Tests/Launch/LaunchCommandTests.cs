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
            "encoder launch: instance t3a.xlarge: x86_64, 4 vCPU at a 40 % baseline each, unlimited credits, 16 GiB; about $0.226 on-demand for 1.5 h to the hard stop at $0.1504/h (us-east-1 list price, 2026-12)\n" +
            "encoder launch: put SecureString /encoder/yoga-2026-11-23-1800/camera-url (Encoder:Camera:Url; Advanced tier, expires 2026-11-23T19:30:00Z)\n" +
            "encoder launch: put SecureString /encoder/yoga-2026-11-23-1800/ingest-primary (Encoder:Ingest:Primary; Advanced tier, expires 2026-11-23T19:30:00Z)\n" +
            "encoder launch: class yoga-2026-11-23-1800 on i-0123456789abcdef0 (t3a.xlarge, root volume 15 GiB for the recording), hard stop at 2026-11-23T19:30:00Z\n"));
        Assert.That(_launcher.Region, Is.EqualTo("eu-west-1"));
        Assert.That(_launcher.Requests.Single().UserData, Is.Not.Empty);
    }

    [Test]
    public async Task The_secrets_are_put_in_ssm_before_the_instance_is_run_and_the_user_data_holds_only_references()
    {
        var exit = await RunAsync(Args());

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_launcher.Calls, Is.EqualTo(new[] { "put /encoder/yoga-2026-11-23-1800/camera-url", "put /encoder/yoga-2026-11-23-1800/ingest-primary", "find", "run" }));
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
        Assert.That(_stderr.ToString(), Does.Contain("\nencoder launch: PutParameter /encoder/yoga-2026-11-23-1800/camera-url failed: AccessDeniedException: ").And.Not.Contain(CameraPassword));
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

    // --set Encoder:Video:Mode=... → the dry run's line about the instance
    [TestCase("copy", "encoder launch: instance t3a.micro: x86_64, 2 vCPU at a 10 % baseline each, unlimited credits, 1 GiB; about $0.014 on-demand for 1.5 h to the hard stop at $0.0094/h (us-east-1 list price, 2026-12)")]
    [TestCase("auto", "encoder launch: instance t3a.xlarge: x86_64, 4 vCPU at a 40 % baseline each, unlimited credits, 16 GiB; about $0.226 on-demand for 1.5 h to the hard stop at $0.1504/h (us-east-1 list price, 2026-12)")]
    public async Task A_dry_run_names_the_instance_its_size_and_the_class_s_cost_in_one_line(string mode, string line)
    {
        var exit = await RunAsync(Args("--dry-run", "--set", $"Encoder:Video:Mode={mode}"));

        Assert.That(exit, Is.Zero);
        Assert.That(_stderr.ToString().Split('\n'), Does.Contain(line));
        Assert.That(_stderr.ToString(), Does.Contain("encoder launch: dry run: if EC2 has no capacity for it, would try "));
    }

    [Test]
    public async Task An_operator_s_type_the_table_says_is_too_small_is_launched_with_a_warn()
    {
        var exit = await RunAsync(Args("--instance-type", "t3a.micro"));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_stderr.ToString(), Does.StartWith("encoder launch: WARN: --instance-type t3a.micro cannot carry a class in auto mode by the launcher's table: its 2 vCPUs are fewer than the 3.6 a 1080p30 transcode needs; launching it as asked\n"));
        Assert.That(_launcher.Requests.Single().InstanceType.Value, Is.EqualTo("t3a.micro"));
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
        _launcher.ShowsInstances = false; // DescribeInstances lags: the token alone must hold
        var first = await RunAsync(Args());
        var printed = _stdout.ToString();
        var retry = await RunAsync(Args());

        Assert.That((first, retry), Is.EqualTo((0, 0)));
        Assert.That(_launcher.Requests.Select(r => r.ClientToken), Is.EqualTo(new[] { "encoder-yoga-2026-11-23-1800/t3a.xlarge", "encoder-yoga-2026-11-23-1800/t3a.xlarge" }));
        Assert.That(_launcher.InstanceOfToken, Has.Count.EqualTo(1));
        Assert.That(_stdout.ToString(), Is.EqualTo(printed + printed), "the retry names the same instance");
    }

    // whether EC2 says the operator's type (not in the table) has instance store → the root volume in RunInstances (null: the AMI's)
    [TestCase(true, null)]
    [TestCase(false, 15)]
    [TestCase(null, 15)]
    public async Task Without_instance_store_the_root_volume_is_sized_for_the_class_from_launch_to_hard_stop(bool? instanceStore, int? rootGiB)
    {
        _launcher.InstanceStore = instanceStore;

        var exit = await RunAsync(Args("--instance-type", "m5d.large"));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        var mappings = _launcher.Requests.Single().BlockDeviceMappings;
        Assert.That(mappings?.Single().Ebs.VolumeSize, Is.EqualTo(rootGiB));
    }

    // a type of the table → the root volume (its instance store, by the table: EC2 is not asked)
    [TestCase("t3a.micro", 15)]
    [TestCase("c5d.large", null)]
    public async Task The_table_says_which_types_have_an_instance_store(string type, int? rootGiB)
    {
        _launcher.InstanceStore = null;

        var exit = await RunAsync(Args("--instance-type", type));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_launcher.Requests.Single().BlockDeviceMappings?.Single().Ebs.VolumeSize, Is.EqualTo(rootGiB));
        Assert.That(_launcher.Calls, Has.No.Member("describe-type"));
    }

    [Test]
    public async Task No_capacity_for_the_first_pick_in_a_subnet_moves_to_the_next_subnet_then_the_next_type_and_says_so()
    {
        _launcher.Refuse("t3a.xlarge", "subnet-0123abcd", "InsufficientInstanceCapacity");
        _launcher.Refuse("t3a.xlarge", "subnet-4567ef01", "Unsupported");

        var exit = await RunAsync(Args("--subnet-id", "subnet-0123abcd", "--subnet-id", "subnet-4567ef01"));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_launcher.Requests.Select(r => (r.InstanceType.Value, r.SubnetId)), Is.EqualTo(new[]
        {
            ("t3a.xlarge", "subnet-0123abcd"), ("t3a.xlarge", "subnet-4567ef01"), ("c5a.xlarge", "subnet-0123abcd"),
        }));
        Assert.That(_launcher.Requests.Select(r => r.ClientToken), Is.Unique);
        var lines = _stderr.ToString().Split('\n');
        Assert.That(lines, Does.Contain("encoder launch: t3a.xlarge in subnet-0123abcd refused (InsufficientInstanceCapacity: no t3a.xlarge here); trying t3a.xlarge in subnet-4567ef01"));
        Assert.That(lines, Does.Contain("encoder launch: t3a.xlarge in subnet-4567ef01 refused (Unsupported: no t3a.xlarge here); trying c5a.xlarge in subnet-0123abcd"));
        Assert.That(lines.Single(l => l.StartsWith("encoder launch: class ", StringComparison.Ordinal)), Is.EqualTo(
            "encoder launch: class yoga-2026-11-23-1800 on i-0123456789abcdef0 (c5a.xlarge in subnet-0123abcd, root volume 15 GiB for the recording), hard stop at 2026-11-23T19:30:00Z" +
            " after 2 capacity refusal(s): t3a.xlarge in subnet-0123abcd: InsufficientInstanceCapacity; t3a.xlarge in subnet-4567ef01: Unsupported"));
        Assert.That(lines, Does.Contain("encoder launch: instance c5a.xlarge: x86_64, 4 vCPU, 8 GiB; about $0.231 on-demand for 1.5 h to the hard stop at $0.154/h (us-east-1 list price, 2026-12)"));
        Assert.That(_stdout.ToString(), Is.EqualTo("i-0123456789abcdef0\n"));
    }

    [Test]
    public async Task A_vcpu_quota_skips_the_type_in_every_subnet()
    {
        _launcher.Refuse("t3a.micro", "subnet-0123abcd", "VcpuLimitExceeded");

        var exit = await RunAsync(Args("--set", "Encoder:Video:Mode=copy", "--subnet-id", "subnet-0123abcd", "--subnet-id", "subnet-4567ef01"));

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_launcher.Requests.Select(r => (r.InstanceType.Value, r.SubnetId)), Is.EqualTo(new[] { ("t3a.micro", "subnet-0123abcd"), ("t3.micro", "subnet-0123abcd") }));
    }

    [Test]
    public async Task A_refusal_not_about_capacity_tries_nothing_else()
    {
        _launcher.Refuse("t3a.xlarge", null, "InvalidParameterValue");

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_launcher.Requests, Has.Count.EqualTo(1));
        Assert.That(_stderr.ToString(), Does.EndWith("\nencoder launch: RunInstances failed: InvalidParameterValue: no t3a.xlarge here\n"));
    }

    [Test]
    public async Task An_operator_s_type_is_tried_in_each_subnet_but_never_swapped_for_another()
    {
        _launcher.Refuse("c5.xlarge", null, "InsufficientInstanceCapacity");

        var exit = await RunAsync(Args("--instance-type", "c5.xlarge"));

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(_launcher.Requests.Select(r => r.InstanceType.Value), Is.EqualTo(new[] { "c5.xlarge" }));
        Assert.That(_stderr.ToString(), Does.EndWith("\nencoder launch: RunInstances failed: no capacity for the class (c5.xlarge: InsufficientInstanceCapacity): no c5.xlarge here\n"));
    }

    /// <summary>
    /// The CMS retries a launch that fell back (it did not get the answer): capacity for the first pick is back, and its
    /// own token would start a second instance. The session's running instance answers the retry instead.
    /// </summary>
    [Test]
    public async Task A_retry_after_a_fallback_answers_the_session_s_running_instance_and_runs_nothing()
    {
        _launcher.Refuse("t3a.xlarge", null, "InsufficientInstanceCapacity");
        var first = await RunAsync(Args());
        _launcher.Refusals.Clear();
        var printed = _stdout.ToString();

        var retry = await RunAsync(Args());

        Assert.That((first, retry), Is.EqualTo((0, 0)), _stderr.ToString());
        Assert.That(_launcher.Requests.Select(r => r.InstanceType.Value), Is.EqualTo(new[] { "t3a.xlarge", "c5a.xlarge" }), "the retry ran nothing");
        Assert.That(_stdout.ToString(), Is.EqualTo(printed + printed), "the retry names the same instance");
        Assert.That(_stderr.ToString(), Does.Contain("encoder launch: class yoga-2026-11-23-1800 already runs on i-0123456789abcdef0 (c5a.xlarge): nothing launched\n"));
    }

    [Test]
    public async Task A_launcher_not_allowed_to_look_for_the_instance_still_launches_with_a_warn()
    {
        _launcher.FindFailure = new AmazonEC2Exception("not allowed") { ErrorCode = "UnauthorizedOperation" };

        var exit = await RunAsync(Args());

        Assert.That(exit, Is.Zero, _stderr.ToString());
        Assert.That(_stderr.ToString(), Does.Contain("encoder launch: WARN: cannot look for the session's running instance (UnauthorizedOperation)"));
        Assert.That(_launcher.Requests, Has.Count.EqualTo(1));
    }

    private sealed class FakeLauncher : IInstanceLauncher
    {
        public List<string> Calls { get; } = [];
        public List<Amazon.SimpleSystemsManagement.Model.PutParameterRequest> Puts { get; } = [];
        public Exception? PutFailure { get; set; }
        public List<RunInstancesRequest> Requests { get; } = [];
        public Exception? Failure { get; set; }
        public Exception? FindFailure { get; set; }
        public string? Region { get; set; }
        public bool? InstanceStore { get; set; } = true;

        /// <summary>Whether DescribeInstances shows the instances run so far (EC2's lags a few seconds).</summary>
        public bool ShowsInstances { get; set; } = true;

        /// <summary>The stand-in for EC2's capacity: (type, subnet) → the error code RunInstances answers.</summary>
        public Dictionary<(string Type, string? Subnet), string> Refusals { get; } = [];

        public void Refuse(string type, string? subnet, string code) => Refusals[(type, subnet)] = code;

        private readonly Dictionary<string, (string Id, string Type, string Session)> _running = [];

        public Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken)
        {
            Calls.Add("describe-type");
            return Task.FromResult(InstanceStore);
        }

        public Task PutSecretAsync(Amazon.SimpleSystemsManagement.Model.PutParameterRequest request, CancellationToken cancellationToken)
        {
            if (PutFailure is not null)
                return Task.FromException(PutFailure);
            Calls.Add($"put {request.Name}");
            Puts.Add(request);
            return Task.CompletedTask;
        }

        public Task<(string InstanceId, string InstanceType)?> FindSessionInstanceAsync(string sessionId, CancellationToken cancellationToken)
        {
            Calls.Add("find");
            if (FindFailure is not null)
                return Task.FromException<(string, string)?>(FindFailure);
            var found = ShowsInstances ? _running.Values.Where(r => r.Session == sessionId).Select(r => ((string, string)?)(r.Id, r.Type)).FirstOrDefault() : null;
            return Task.FromResult(found);
        }

        /// <summary>EC2's idempotency: a request with a client token already used answers the instance that token started.</summary>
        public Dictionary<string, string> InstanceOfToken { get; } = [];

        public Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken)
        {
            Calls.Add("run");
            Requests.Add(request);
            if (Failure is not null)
                return Task.FromException<string>(Failure);
            if (Refusals.TryGetValue((request.InstanceType.Value, request.SubnetId), out var code))
                return Task.FromException<string>(new AmazonEC2Exception($"no {request.InstanceType.Value} here") { ErrorCode = code });
            var id = InstanceOfToken.TryGetValue(request.ClientToken, out var known) ? known
                : InstanceOfToken[request.ClientToken] = InstanceOfToken.Count == 0 ? "i-0123456789abcdef0" : $"i-{InstanceOfToken.Count:x17}";
            _running[id] = (id, request.InstanceType.Value, request.TagSpecifications[0].Tags.Single(t => t.Key == RunInstancesRequests.SessionTag).Value);
            return Task.FromResult(id);
        }
    }
}
