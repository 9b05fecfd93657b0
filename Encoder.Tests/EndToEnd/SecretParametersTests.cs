using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Tests.Infrastructure;
using Encoder.Tests.Launch;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The class's secrets through SSM Parameter Store, end to end, against moto (EC2, SSM, S3) enforcing IAM with the
/// project's own policies: <c>encoder launch</c> as the CMS's user (<c>iam/encoder-launcher-policy.json</c>) puts them
/// and launches an instance whose user-data holds only references; the daemon, as the instance's user
/// (<c>iam/encoder-instance-policy.json</c>), starts from the encoder.json that user-data writes, resolves them and
/// streams the real test camera to a real nginx-rtmp ingest.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Category("Integration")]
public sealed partial class SecretParametersTests : LiveClassFixture
{
    private const string Bucket = "studio-recordings-ssm";
    private const string Prefix = "recordings/";
    private AwsUser _launcher = null!;
    private AwsUser _instance = null!;

    protected override bool WithMoto => true;

    [OneTimeSetUp]
    public async Task CreateTheUsers()
    {
        await Moto.CreateBucketAsync(Bucket);
        await Moto.CreateInstanceProfileAsync("encoder-class", "encoder-instance");
        _launcher = await Moto.CreateUserAsync("encoder-launcher", IamPolicies.Launcher("encoder-instance"));
        _instance = await Moto.CreateUserAsync("encoder-instance-user", IamPolicies.Instance(Bucket, Prefix));
    }

    [Test]
    public async Task A_launched_class_keeps_its_secrets_out_of_user_data_and_its_daemon_resolves_them_and_streams()
    {
        var key = NewStreamKey();
        var session = $"ssm-{Guid.NewGuid():N}"[..12];
        var endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var environment = Moto.EnvironmentFor(_launcher);
        environment["ENCODER_CAMERA_URL"] = Camera.Url;
        environment["ENCODER_INGEST_PRIMARY"] = Ingest.UrlFor(key);

        var launch = await Tool.RunAsync("dotnet",
        [
            RepoPaths.EncoderDll, "launch", "--session-id", session, "--ends-at", endsAt, "--bucket", Bucket,
            "--ami", "ami-0123456789abcdef0", "--instance-profile", "encoder-class",
        ], environment);

        Assert.That(launch.ExitCode, Is.Zero, launch.Output);
        Assert.That(launch.Output, Does.Not.Contain(TestCamera.Password).And.Not.Contain(key).And.Not.Contain("WARN"));
        var instanceId = InstanceId().Match(launch.Output).Value;
        using var ec2 = Moto.Ec2();
        var attribute = await ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = "userData" });
        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(attribute.InstanceAttribute.UserData));
        Assert.That(userData, Does.Not.Contain(TestCamera.Password).And.Not.Contain(key).And.Not.Contain("127.0.0.1"), "no secret, not even the URLs, in user-data");
        var instance = (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations.Single().Instances.Single();
        Assert.That(instance.MetadataOptions.HttpPutResponseHopLimit, Is.EqualTo(1));

        // What SSM holds: SecureStrings under the class's path, Advanced tier, with an Expiration policy.
        using var ssm = Moto.Ssm();
        var stored = await ssm.GetParameterAsync(new GetParameterRequest { Name = $"/encoder/{session}/camera-url", WithDecryption = true });
        Assert.That((stored.Parameter.Type, stored.Parameter.Value), Is.EqualTo((ParameterType.SecureString, Camera.Url)));
        using var described = await Moto.SsmJsonAsync("DescribeParameters",
            $$"""{"ParameterFilters":[{"Key":"Path","Option":"Recursive","Values":["/encoder/{{session}}"]}]}""");
        var parameters = described.RootElement.GetProperty("Parameters").EnumerateArray().ToList();
        Assert.That(parameters.Select(p => (p.GetProperty("Name").GetString(), p.GetProperty("Tier").GetString())), Is.EquivalentTo(new[]
        {
            ($"/encoder/{session}/camera-url", "Advanced"), ($"/encoder/{session}/ingest-primary", "Advanced"),
        }));
        var hardStop = DateTimeOffset.Parse(endsAt, CultureInfo.InvariantCulture).AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", CultureInfo.InvariantCulture);
        Assert.That(parameters.Select(p => p.GetProperty("Policies").EnumerateArray().Single().GetProperty("PolicyText").GetRawText()),
            Is.All.Contain("\"Expiration\"").And.All.Contain(hardStop), "each expires at the hard stop");

        // The daemon, from the encoder.json that user-data writes (cloud-init's part played by the test), as the instance.
        var work = Path.Combine(Work, session);
        Directory.CreateDirectory(work);
        var config = Path.Combine(work, "encoder.json");
        await File.WriteAllTextAsync(config, UserDataTests.ConfigFile(userData));
        var settings = new Dictionary<string, string>
        {
            ["SessionId"] = session,
            ["Recording:Directory"] = Path.Combine(work, "recordings"),
            ["Recording:SegmentSeconds"] = "2",
            ["Camera:TimeoutSeconds"] = "2",
            ["Storage:ServiceUrl"] = Moto.Url,
            ["Storage:Prefix"] = Prefix,
            ["SelfTerminate:Enabled"] = "false",
        };
        var daemonEnvironment = Moto.EnvironmentFor(_instance);
        daemonEnvironment["ENCODER_CONFIG"] = config;

        await using var daemon = EncoderDaemon.Start(settings, daemonEnvironment);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(120));
        await Poll.UntilAsync(() => Ingest.BytesRecordedFor(key) > 0, TimeSpan.FromSeconds(120), "the ingest receives the class", () => daemon.Output);
        daemon.Signal(Signals.SigTerm);
        await daemon.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.That(daemon.Output, Does.Not.Contain(TestCamera.Password).And.Not.Contain(key), "resolved values are redacted like configured ones");
        var logs = Directory.GetFiles(Path.Combine(work, "recordings", session, "logs"));
        Assert.That(logs, Is.Not.Empty);
        foreach (var log in logs)
            Assert.That(await File.ReadAllTextAsync(log), Does.Not.Contain(TestCamera.Password).And.Not.Contain(key), log);
    }

    [Test]
    public async Task A_missing_parameter_stops_the_start_with_one_line_naming_it_and_exit_2()
    {
        var daemon = await StartFailingAsync("ssm:/encoder/no-such-class/camera-url", Moto.EnvironmentFor(_instance));

        Assert.That(daemon.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), daemon.Output);
        Assert.That(ErrorLines(daemon.Output), Is.EqualTo(new[]
        {
            "encoder: configuration error: Encoder:Camera:Url: the SSM parameter /encoder/no-such-class/camera-url does not exist (deleted, expired, or another region) (ParameterNotFound)",
        }));
    }

    [Test]
    public async Task A_parameter_outside_the_encoder_path_is_denied_by_the_instance_policy_with_one_line_naming_it_and_exit_2()
    {
        using var ssm = Moto.Ssm();
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/studio/payroll/camera-url", Value = Camera.Url, Type = ParameterType.SecureString, Overwrite = true });

        var daemon = await StartFailingAsync("ssm:/studio/payroll/camera-url", Moto.EnvironmentFor(_instance));

        Assert.That(daemon.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), daemon.Output);
        Assert.That(ErrorLines(daemon.Output), Has.Count.EqualTo(1));
        Assert.That(ErrorLines(daemon.Output)[0], Does.StartWith(
            "encoder: configuration error: Encoder:Camera:Url: the SSM parameter /studio/payroll/camera-url may not be read or decrypted with this machine's credentials ("));
        Assert.That(daemon.Output, Does.Not.Contain(TestCamera.Password));
    }

    [Test]
    public async Task An_ssm_that_never_answers_is_waited_for_until_the_class_s_end_then_the_start_exits_1()
    {
        var environment = Moto.EnvironmentFor(_instance);
        environment["AWS_ENDPOINT_URL_SSM"] = $"http://127.0.0.1:{FreePort.Next()}";
        var endsAt = DateTimeOffset.UtcNow.AddSeconds(8);

        var daemon = await StartFailingAsync("ssm:/encoder/some-class/camera-url", environment, endsAt);

        Assert.That(daemon.ExitCode, Is.EqualTo(ExitCodes.Failure), daemon.Output);
        Assert.That(DateTimeOffset.UtcNow, Is.GreaterThanOrEqualTo(endsAt), "it waited for the class's end");
        var lines = ErrorLines(daemon.Output);
        Assert.That(lines.SkipLast(1), Is.Not.Empty.And.All.StartWith("encoder: waiting for SSM Parameter Store to serve /encoder/some-class/camera-url (Encoder:Camera:Url): "));
        Assert.That(lines[^1], Does.StartWith(
            $"encoder: error: Encoder:Camera:Url: the SSM parameter /encoder/some-class/camera-url could not be read: SSM did not answer by the class's end ({endsAt.ToString("O", CultureInfo.InvariantCulture)}) ("));
    }

    private async Task<(int ExitCode, string Output)> StartFailingAsync(string cameraUrl, Dictionary<string, string> environment, DateTimeOffset? endsAt = null)
    {
        var settings = EncoderDaemon.Settings($"ssm-fail-{Guid.NewGuid():N}"[..16], cameraUrl, Ingest.UrlFor(NewStreamKey()), Path.Combine(Work, "failing"));
        if (endsAt is { } end)
            settings["Session:EndsAt"] = end.ToString("O", CultureInfo.InvariantCulture);
        await using var daemon = EncoderDaemon.Start(settings, environment);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(90));
        return (exitCode, daemon.Output);
    }

    private static List<string> ErrorLines(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("encoder: ", StringComparison.Ordinal))];

    [GeneratedRegex("^i-[0-9a-f]+$", RegexOptions.Multiline)]
    private static partial Regex InstanceId();
}
