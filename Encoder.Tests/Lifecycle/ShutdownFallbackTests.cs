using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// When the daemon asks systemd for the poweroff (exit code 5): the real class's end step with the real
/// <see cref="SystemdPowerOff"/>, against moto's EC2 and the test's metadata service. Exit code 3 (the instance is
/// kept for its pending uploads) and exit code 5 (power it off, EC2 terminates it) never meet.
/// </summary>
[NonParallelizable] // the instance metadata service must answer within the daemon's 0.5 s and moto within its request timeout: alone, not beside other fixtures
[Category("Integration")]
public sealed class ShutdownFallbackTests
{
    public enum Instance
    {
        /// <summary>A running moto instance: TerminateInstances succeeds.</summary>
        Terminable,

        /// <summary>An id EC2 does not know: TerminateInstances is refused.</summary>
        RefusedByEc2,

        /// <summary>No metadata service: not an EC2 instance.</summary>
        NotEc2,

        /// <summary>A metadata service that refuses IMDSv2: the instance is not confirmed.</summary>
        ImdsV1Only,

        /// <summary>A machine whose firmware says EC2, and a metadata service that never answers.</summary>
        SilentOnEc2,
    }

    private MotoServer _moto = null!;
    private string _work = "";

    [OneTimeSetUp]
    public async Task StartMoto() => _moto = await MotoServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopMoto() => await _moto.DisposeAsync();

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-fallback-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    // fallback, pending uploads, drain finished, even with pending, dry run, instance → exit code
    [TestCase(true, 0, true, false, false, Instance.RefusedByEc2, ExitCodes.PowerOffRequested)]
    [TestCase(false, 0, true, false, false, Instance.RefusedByEc2, ExitCodes.TerminationFailed)]
    [TestCase(true, 0, true, false, false, Instance.Terminable, ExitCodes.Clean)]
    [TestCase(true, 0, true, false, false, Instance.NotEc2, ExitCodes.Clean)]
    [TestCase(true, 0, true, false, false, Instance.ImdsV1Only, ExitCodes.TerminationFailed)]
    [TestCase(true, 0, true, false, true, Instance.RefusedByEc2, ExitCodes.Clean)]
    [TestCase(true, 2, true, false, false, Instance.RefusedByEc2, ExitCodes.UploadsPending)]
    [TestCase(true, 0, false, false, false, Instance.RefusedByEc2, ExitCodes.UploadsPending)]
    [TestCase(true, 2, true, true, false, Instance.RefusedByEc2, ExitCodes.PowerOffRequested)]
    [TestCase(true, 0, true, false, false, Instance.SilentOnEc2, ExitCodes.PowerOffRequested)]
    [TestCase(false, 0, true, false, false, Instance.SilentOnEc2, ExitCodes.TerminationFailed)]
    [TestCase(true, 2, true, false, false, Instance.SilentOnEc2, ExitCodes.UploadsPending)]
    public async Task The_daemon_asks_systemd_for_the_poweroff_only_when_termination_failed_on_a_confirmed_instance_it_may_end(
        bool fallback, int pending, bool drainFinished, bool withPendingUploads, bool dryRun, Instance instance, int exitCode)
    {
        var instanceId = instance == Instance.Terminable ? await _moto.RunInstanceAsync() : "i-0123456789abcdef0";
        await using var imds = MetadataServer.Start(instanceId, instance == Instance.ImdsV1Only ? MetadataMode.V1Only : MetadataMode.V2,
            silentTokenRequests: instance == Instance.SilentOnEc2 ? int.MaxValue : 0);
        var metadataUrl = instance == Instance.NotEc2 ? $"http://127.0.0.1:{FreePort.Next()}" : imds.Url;
        var options = new EncoderOptions
        {
            SessionId = "class-1",
            Recording = { Directory = Path.Combine(_work, "rec") },
            SelfTerminate = new SelfTerminateOptions { Enabled = true, TimeoutSeconds = 8, ShutdownFallback = fallback, WithPendingUploads = withPendingUploads, DryRun = dryRun },
        };
        var log = new ListLogger<ClassEndStep>();
        using var metadata = new Imdsv2Client(new Uri(metadataUrl), TimeSpan.FromMilliseconds(500));
        var ec2 = Ec2Retry.Pipeline(log, firstDelay: TimeSpan.FromMilliseconds(50));
        var dmi = ClassEndRig.DmiRoot(Path.Combine(_work, "machine"), ec2: instance == Instance.SilentOnEc2);
        var run = new ClassEndRig(options, metadata, new Ec2InstanceTerminator(_ => _moto.Ec2(), ec2), new SystemdPowerOff(), new Ec2InstanceKeeper(_ => _moto.Ec2(), ec2),
            new LocalFolderStore(Path.Combine(_work, "store")), dmi, StopReason.SessionEnded, log); // the fallback is only for a class that is over
        if (drainFinished)
            run.Drain.Complete([.. Enumerable.Range(0, pending).Select(i => $"class-1/seg_{i:D5}.ts")]);

        await run.StoppedAsync();

        Assert.That(run.ExitCode, Is.EqualTo(exitCode), log.Text);
    }
}
