using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Lifecycle;

/// <summary>
/// When the daemon asks systemd for the poweroff (exit code 5): the real termination step with the real
/// <see cref="SystemdPowerOff"/>, against moto's EC2 and the test's metadata service. Exit code 3 (the instance is
/// kept for its pending uploads) and exit code 5 (power it off, EC2 terminates it) never meet.
/// </summary>
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
    }

    private MotoServer _moto = null!;

    [OneTimeSetUp]
    public async Task StartMoto() => _moto = await MotoServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopMoto() => await _moto.DisposeAsync();

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
    public async Task The_daemon_asks_systemd_for_the_poweroff_only_when_termination_failed_on_a_confirmed_instance_it_may_end(
        bool fallback, int pending, bool drainFinished, bool withPendingUploads, bool dryRun, Instance instance, int exitCode)
    {
        var instanceId = instance == Instance.Terminable ? await _moto.RunInstanceAsync() : "i-0123456789abcdef0";
        await using var imds = MetadataServer.Start(instanceId, instance == Instance.ImdsV1Only ? MetadataMode.V1Only : MetadataMode.V2);
        var metadataUrl = instance == Instance.NotEc2 ? $"http://127.0.0.1:{FreePort.Next()}" : imds.Url;
        var options = new EncoderOptions
        {
            SessionId = "class-1",
            SelfTerminate = new SelfTerminateOptions { Enabled = true, TimeoutSeconds = 10, ShutdownFallback = fallback, WithPendingUploads = withPendingUploads, DryRun = dryRun },
        };
        var drain = new UploadDrainReport();
        if (drainFinished)
            drain.Complete([.. Enumerable.Range(0, pending).Select(i => $"class-1/seg_{i:D5}.ts")]);
        var outcome = new DaemonOutcome();
        var log = new ListLogger<SelfTerminator>();
        using var metadata = new Imdsv2Client(new Uri(metadataUrl));
        var terminator = new Ec2InstanceTerminator(_ => _moto.Ec2(), Ec2Retry.Pipeline(log, firstDelay: TimeSpan.FromMilliseconds(50)));

        var layout = new RecordingLayout(options);
        var classOver = StopCauses.Claimed(StopReason.SessionEnded, layout, outcome); // the fallback is only for a class that is over
        await new SelfTerminator(options, drain, classOver, layout, metadata, terminator, new SystemdPowerOff(outcome), outcome, TimeProvider.System, log)
            .StoppedAsync(CancellationToken.None);

        Assert.That(outcome.ExitCode, Is.EqualTo(exitCode), log.Text);
    }
}
