using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.EC2.Model;
using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Moq;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// The class's end step in-process (its <c>StoppedAsync</c>, as the host calls it after the drain), terminating against
/// a real moto_server EC2 and the test's own loopback metadata service. The drain is represented by its report.
/// </summary>
[TestFixture]
[NonParallelizable] // the instance metadata service must answer within the daemon's 0.5 s and moto within its request timeout: alone, not beside other fixtures
[Category("Integration")]
public sealed class SelfTerminatorTests
{
    private MotoServer _moto = null!;
    private string _work = "";

    [OneTimeSetUp]
    public async Task StartMoto() => _moto = await MotoServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopMoto() => await _moto.DisposeAsync();

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-selfterm-").FullName;

    [TearDown]
    public void DeleteWork()
    {
        _disposables.ForEach(d => d.Dispose());
        _disposables.Clear();
        Directory.Delete(_work, recursive: true);
    }

    private string SessionDirectory => Path.Combine(_work, "rec", "class-1");

    /// <summary>The step for a class over (<paramref name="why"/>) on a machine whose firmware says EC2 or not.</summary>
    private ClassEndRig Run(string metadataUrl, SelfTerminateOptions settings, IAmazonEC2? ec2 = null, StopReason why = StopReason.SessionEnded,
        bool firmwareSaysEc2 = false, TimeSpan? metadataTimeout = null)
    {
        var options = new EncoderOptions { SessionId = "class-1", Recording = { Directory = Path.Combine(_work, "rec") }, SelfTerminate = settings };
        var log = new ListLogger<ClassEndStep>();
        var metadata = new Imdsv2Client(new Uri(metadataUrl), metadataTimeout);
        _disposables.Add(metadata);
        var terminator = new Ec2InstanceTerminator(_ => ec2 ?? _moto.Ec2(), Ec2Retry.Pipeline(log, firstDelay: TimeSpan.FromMilliseconds(50)));
        var keeper = new Ec2InstanceKeeper(_ => _moto.Ec2(), Ec2Retry.Pipeline(log, firstDelay: TimeSpan.FromMilliseconds(50)));
        var dmi = ClassEndRig.DmiRoot(Path.Combine(_work, "machine"), firmwareSaysEc2);
        Shutdown = new RecordingShutdown();
        return new ClassEndRig(options, metadata, terminator, Shutdown, keeper, new LocalFolderStore(Path.Combine(_work, "store")), dmi, why, log);
    }

    private readonly List<IDisposable> _disposables = [];

    private RecordingShutdown Shutdown { get; set; } = new();

    /// <summary>Stands in for <c>shutdown -h now</c>, which a test must never run: it records that it was asked.</summary>
    private sealed class RecordingShutdown : IShutdownCommand
    {
        public int Runs { get; private set; }

        public string Description => "shutdown -h now (test stand-in)";

        public Task<string?> RunAsync(CancellationToken cancellationToken)
        {
            Runs++;
            return Task.FromResult<string?>(null);
        }
    }

    private static SelfTerminateOptions Enabled() => new() { Enabled = true, TimeoutSeconds = 10 };

    [Test]
    public async Task Terminates_exactly_the_instance_the_metadata_service_names()
    {
        var target = await _moto.RunInstanceAsync();
        var bystander = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(target);
        var run = Run(imds.Url, Enabled());
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(target), Is.EqualTo("terminated"), run.Log.Text);
        Assert.That(await _moto.StateOfAsync(bystander), Is.EqualTo("running"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(imds.Requests, Is.EqualTo(new[]
        {
            "PUT /latest/api/token (no token)", "GET /latest/meta-data/instance-id (token)", "GET /latest/meta-data/placement/region (token)",
        }), "IMDSv2: a token first, then every read with it");
        Assert.That(run.Log.Text, Does.Contain($"EC2 is terminating instance {target}: running -> ").And.Match(@"Self-termination step finished in \d+\.\d\ds"));
    }

    [Test]
    public async Task Without_a_metadata_service_it_terminates_nothing_and_exits_cleanly_within_seconds()
    {
        var instance = await _moto.RunInstanceAsync();
        var run = Run($"http://127.0.0.1:{FreePort.Next()}", Enabled());
        run.Drain.Complete([]);

        var took = await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(run.Log.Lines, Has.Some.Matches<(LogLevel Level, string Message)>(l =>
            l.Level == LogLevel.Warning && l.Message.Contains("did not answer", StringComparison.Ordinal) && l.Message.Contains("not an EC2 instance", StringComparison.Ordinal)), run.Log.Text);
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task A_metadata_service_that_accepts_connections_but_never_answers_is_given_up_after_its_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var instance = await _moto.RunInstanceAsync();
        var run = Run($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", Enabled());
        run.Drain.Complete([]);

        var took = await run.StoppedAsync();

        Assert.That(took, Is.LessThan(Imdsv2Client.RequestTimeout + TimeSpan.FromSeconds(3)));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean), run.Log.Text);
        Assert.That(run.Log.Text, Does.Contain("no answer within 2s"));
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
    }

    [Test]
    public async Task On_a_machine_that_says_it_is_EC2_a_metadata_service_slow_to_answer_is_asked_again_and_the_instance_terminated()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance, silentTokenRequests: 2);
        var run = Run(imds.Url, Enabled(), firmwareSaysEc2: true, metadataTimeout: TimeSpan.FromMilliseconds(500));
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("terminated"), run.Log.Text);
        Assert.That(imds.Requests.Count(r => r.EndsWith("(unanswered)", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
    }

    [TestCase(true, 1, ExitCodes.PowerOffRequested)]
    [TestCase(false, 0, ExitCodes.TerminationFailed)]
    public async Task On_a_machine_that_says_it_is_EC2_a_metadata_service_that_never_answers_is_asked_until_the_slice_ends_then_the_fallback_runs_if_enabled(
        bool fallback, int expectedShutdowns, int expectedExitCode)
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance, silentTokenRequests: int.MaxValue);
        var settings = Enabled();
        settings.TimeoutSeconds = 8;
        settings.ShutdownFallback = fallback;
        var run = Run(imds.Url, settings, firmwareSaysEc2: true, metadataTimeout: TimeSpan.FromMilliseconds(500));
        run.Drain.Complete([]);

        var took = await run.StoppedAsync();

        Assert.That(imds.Requests.Count, Is.GreaterThanOrEqualTo(2), "asked again, not taken as \"not on EC2\"");
        Assert.That(Shutdown.Runs, Is.EqualTo(expectedShutdowns), run.Log.Text);
        Assert.That(run.ExitCode, Is.EqualTo(expectedExitCode), run.Log.Text);
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(settings.TimeoutSeconds + 1)), "within the termination slice");
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
    }

    [Test]
    public async Task On_a_machine_whose_firmware_does_not_say_EC2_one_metadata_miss_means_not_on_EC2()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance, silentTokenRequests: 1);
        var run = Run(imds.Url, Enabled(), firmwareSaysEc2: false, metadataTimeout: TimeSpan.FromMilliseconds(500));
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(imds.Requests, Has.Count.EqualTo(1), run.Log.Text);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
    }

    [Test]
    public async Task A_metadata_service_that_only_speaks_IMDSv1_is_refused_and_never_read_without_a_token()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance, MetadataMode.V1Only);
        var run = Run(imds.Url, Enabled());
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(imds.Requests, Is.EqualTo(new[] { "PUT /latest/api/token (no token)" }), "no IMDSv1 read may follow a refused token");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.TerminationFailed));
        Assert.That(run.Log.Text, Does.Contain("refused IMDSv2 (the IMDSv2 token request was answered with HTTP 404); IMDSv1 is never used"));
    }

    [Test]
    public async Task TerminateInstances_throttled_twice_then_accepted_terminates_the_instance()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        using var real = _moto.Ec2();
        var calls = 0;
        var ec2 = new Mock<IAmazonEC2>();
        ec2.Setup(e => e.TerminateInstancesAsync(It.IsAny<TerminateInstancesRequest>(), It.IsAny<CancellationToken>()))
            .Returns((TerminateInstancesRequest request, CancellationToken ct) => ++calls <= 2
                ? throw new AmazonEC2Exception("Request limit exceeded.") { ErrorCode = "RequestLimitExceeded", StatusCode = HttpStatusCode.ServiceUnavailable }
                : real.TerminateInstancesAsync(request, ct));
        var run = Run(imds.Url, Enabled(), ec2.Object);
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(calls, Is.EqualTo(3));
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("terminated"), run.Log.Text);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(run.Log.Lines.Count(l => l.Message.Contains("RequestLimitExceeded", StringComparison.Ordinal) && l.Message.Contains("retrying", StringComparison.Ordinal)),
            Is.EqualTo(2), run.Log.Text);
    }

    [Test]
    public async Task A_dry_run_names_the_instance_and_leaves_it_running()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var settings = Enabled();
        settings.DryRun = true;
        var run = Run(imds.Url, settings);
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(run.Log.Text, Does.Contain($"Dry run (Encoder:SelfTerminate:DryRun): would terminate instance {instance} in {MotoServer.Region}"));
    }

    [Test]
    public async Task Pending_uploads_keep_the_instance_running_with_its_root_volume_and_raise_an_alert_naming_them()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = Run(imds.Url, Enabled());
        run.Drain.Complete(["class-1/seg_00007.ts", "class-1/index.m3u8"]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(await _moto.RootVolumeDeletedOnTerminationAsync(instance), Is.False, run.Log.Text);
        Assert.That(imds.Requests, Has.None.Contains("(unanswered)"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.UploadsPending));
        var alert = run.Log.Lines.Where(l => l.Level == LogLevel.Critical).Select(l => l.Message).Single(m => m.StartsWith("ALERT: keeping this instance running", StringComparison.Ordinal));
        Assert.That(alert, Does.StartWith("ALERT: keeping this instance running: 2 uploads are still pending")
            .And.Contain("class-1/seg_00007.ts").And.Contain("class-1/index.m3u8").And.Contain(SessionDirectory));
    }

    [Test]
    public async Task With_pending_uploads_allowed_the_instance_is_terminated_anyway_and_the_loss_is_logged()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var settings = Enabled();
        settings.WithPendingUploads = true;
        var run = Run(imds.Url, settings);
        run.Drain.Complete(["class-1/seg_00007.ts"]);

        await run.StoppedAsync();

        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("terminated"), run.Log.Text);
        Assert.That(run.Log.Text, Does.Contain("Terminating despite pending uploads").And.Contain("class-1/seg_00007.ts"));
    }

    [TestCase(true, 1, ExitCodes.PowerOffRequested)]
    [TestCase(false, 0, ExitCodes.TerminationFailed)]
    public async Task When_EC2_refuses_the_shutdown_fallback_runs_only_if_enabled(bool fallback, int expectedShutdowns, int expectedExitCode)
    {
        const string unknownToEc2 = "i-0123456789abcdef0";
        await using var imds = MetadataServer.Start(unknownToEc2);
        var settings = Enabled();
        settings.ShutdownFallback = fallback;
        var run = Run(imds.Url, settings);
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(Shutdown.Runs, Is.EqualTo(expectedShutdowns), run.Log.Text);
        Assert.That(run.ExitCode, Is.EqualTo(expectedExitCode));
        Assert.That(run.Log.Text, Does.Contain($"Terminating instance {unknownToEc2} failed: InvalidInstanceID.NotFound"));
        Assert.That(run.Log.Text, Does.Not.Contain("retrying"), "a refusal is final: no retries");
    }

    [Test]
    public async Task An_EC2_endpoint_that_never_answers_cannot_hold_the_stop_past_the_step_budget()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        using var hanging = new AmazonEC2Client(new Amazon.Runtime.BasicAWSCredentials("test", "test"), new AmazonEC2Config
        {
            ServiceURL = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            AuthenticationRegion = MotoServer.Region,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMinutes(5),
        });
        var settings = Enabled();
        settings.TimeoutSeconds = 5;
        var run = Run(imds.Url, settings, hanging);
        run.Drain.Complete([]);

        var took = await run.StoppedAsync();

        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(8)), run.Log.Text);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.TerminationFailed));
        Assert.That(run.Log.Text, Does.Contain("out of time (5s for the termination step)"));
    }

    [TestCase(StopReason.OperatorStop)]
    [TestCase(StopReason.Failure)]
    public async Task A_stop_that_does_not_end_the_class_leaves_the_instance_running_and_asks_nothing(StopReason why)
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = Run(imds.Url, Enabled(), why: why);
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(imds.Requests, Is.Empty, run.Log.Text);
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(run.Log.Text, Does.Contain("Not terminating this instance").And.Contain("Starting the service again resumes the class"));
    }

    [Test]
    public async Task Disabled_it_says_so_and_touches_nothing()
    {
        var instance = await _moto.RunInstanceAsync();
        await using var imds = MetadataServer.Start(instance);
        var run = Run(imds.Url, new SelfTerminateOptions());
        run.Drain.Complete([]);

        await run.StoppedAsync();

        Assert.That(imds.Requests, Is.Empty);
        Assert.That(await _moto.StateOfAsync(instance), Is.EqualTo("running"));
        Assert.That(run.Log.Text, Does.Contain("Self-termination is disabled; this machine keeps running"));
    }
}
