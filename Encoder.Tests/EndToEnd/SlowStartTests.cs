using System.Globalization;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Configuration;
using Encoder.Tests.Infrastructure;
using Encoder.Tests.Provisioning;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// An instance's slow first minute: the class's daemon starts while SSM Parameter Store does not answer yet (instance
/// credentials, DNS, a VPC endpoint still coming up), under encoder.service's own start and restart settings, read
/// from the unit file and played by <see cref="UnitSupervisor"/>. The class must record once SSM answers.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(3)] // among the first to start, so the overlapping fixtures do not wait for it at the end: ~85 s
[Category("Integration")]
public sealed class SlowStartTests : LiveClassFixture
{
    /// <summary>What the issue measured: SSM answering 75 s after boot, the class ending at 140 s.</summary>
    private static readonly TimeSpan SsmAnswersAfter = TimeSpan.FromSeconds(75);

    private static readonly TimeSpan ClassEndsAfter = TimeSpan.FromSeconds(140);

    protected override bool WithMoto => true;

    [Test]
    public async Task A_daemon_started_75_s_before_ssm_answers_waits_in_its_one_start_telling_systemd_and_records_once_ssm_answers()
    {
        var unit = UnitRestartSettings.Read(DeployFiles.CloudInit("encoder.service"));
        var session = $"slow-{Guid.NewGuid():N}"[..12];
        var parameter = $"/encoder/{session}/camera-url";
        var instance = await Moto.CreateUserAsync($"instance-{session}", IamPolicies.Instance("slow-start-recordings", "recordings/"));
        using (var ssm = Moto.Ssm())
            await ssm.PutParameterAsync(new PutParameterRequest { Name = parameter, Value = Camera.Url, Type = ParameterType.SecureString });
        var key = NewStreamKey();
        var settings = EncoderDaemon.Settings(session, SecretReference.Format(parameter), Ingest.UrlFor(key), Path.Combine(Work, session));
        settings["Session:EndsAt"] = (DateTimeOffset.UtcNow + ClassEndsAfter).ToString("O", CultureInfo.InvariantCulture);
        await using var ssmComesUpLate = LateTcpProxy.Start(Moto.Port, SsmAnswersAfter);
        var environment = Moto.EnvironmentFor(instance);
        environment["AWS_ENDPOINT_URL_SSM"] = ssmComesUpLate.Url;

        await using var service = UnitSupervisor.Start(unit, systemd => EncoderDaemon.Start(settings, new Dictionary<string, string>(environment.Concat(systemd))));
        await Poll.UntilAsync(() =>
        {
            if (service.GaveUp)
                Assert.Fail($"systemd gave up on encoder.service:\n{service.Describe()}");
            return EncoderDaemon.Status(settings).RecorderState() == "streaming";
        }, SsmAnswersAfter + TimeSpan.FromSeconds(60), "the class records", service.Describe);
        await Poll.UntilAsync(() => Ingest.BytesRecordedFor(key) > 0, TimeSpan.FromSeconds(30), "the ingest receives the class", service.Describe);

        Assert.That(ssmComesUpLate.Refused, Is.Positive, "SSM was asked before it answered");
        Assert.That(ssmComesUpLate.FirstPassedAt, Is.GreaterThanOrEqualTo(ssmComesUpLate.OpensAt));
        Assert.That(service.Starts, Is.EqualTo(1), $"the wait is in-process, not a restart:\n{service.Describe()}");
        Assert.That(service.ReadyAfter, Is.GreaterThan(unit.TimeoutStartSec), "the start outlived TimeoutStartSec by extending it");
        Assert.That(service.Notifications, Has.Some.StartsWith("EXTEND_TIMEOUT_USEC="));
        Assert.That(service.Notifications, Has.Some.Matches<string>(n => n.StartsWith("STATUS=", StringComparison.Ordinal) && n.Contains(parameter, StringComparison.Ordinal)), "systemctl status says what the start waits for");
    }
}
