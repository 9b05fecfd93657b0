using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Preflight;

/// <summary>
/// <c>encoder check</c>, the real binary, against the real test camera, a real nginx-rtmp ingest, moto enforcing IAM
/// with the instance's own policy (<c>iam/encoder-instance-policy.json</c>) for S3 and SSM, and an IMDSv2 stand-in: it
/// passes on a sound class, and fails with exit 1 naming the check for a camera down, an ingest down, storage denied;
/// bad configuration is exit 2.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters] // six `encoder check` runs that wait on a camera sample and servers of its own (its one time limit, 15 s, is ~3 times what a check takes)
[Category("Integration")]
public sealed class EncoderCheckTests : LiveClassFixture
{
    private const string Bucket = "studio-preflight";
    private const string Prefix = "recordings/";
    private AwsUser _instance = null!;
    private MetadataServer _metadata = null!;
    private string _session = "";
    private string _key = "";

    protected override bool WithMoto => true;

    [OneTimeSetUp]
    public async Task CreateTheBucketTheInstanceUserAndTheCameraSecret()
    {
        await Moto.CreateBucketAsync(Bucket);
        _instance = await Moto.CreateUserAsync("encoder-instance-preflight", IamPolicies.Instance(Bucket, Prefix));
        _metadata = MetadataServer.Start("i-0123456789abcdef0");
        _session = $"pf-{Guid.NewGuid():N}"[..11];
        _key = NewStreamKey();
        using var ssm = Moto.Ssm();
        await ssm.PutParameterAsync(new PutParameterRequest { Name = $"/encoder/{_session}/camera-url", Value = Camera.Url, Type = ParameterType.SecureString });
    }

    [OneTimeTearDown]
    public async Task StopTheMetadataService() => await _metadata.DisposeAsync();

    private Dictionary<string, string> Settings() => new()
    {
        ["SessionId"] = _session,
        ["Camera:Url"] = $"ssm:/encoder/{_session}/camera-url",
        ["Camera:TimeoutSeconds"] = "2",
        ["Ingest:Primary"] = Ingest.UrlFor(_key),
        ["Recording:Directory"] = Path.Combine(Work, "recordings"),
        ["Storage:Kind"] = "s3",
        ["Storage:Bucket"] = Bucket,
        ["Storage:Prefix"] = Prefix,
        ["Storage:ServiceUrl"] = Moto.Url,
        ["Storage:RequestTimeoutSeconds"] = "3",
        ["SelfTerminate:MetadataEndpoint"] = _metadata.Url,
        ["Session:EndsAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture),
        ["Metrics:Enabled"] = "false",
    };

    private async Task<(ToolResult Result, JsonElement? Json, TimeSpan Took)> CheckAsync(Dictionary<string, string> settings)
    {
        var clock = Stopwatch.StartNew();
        var result = await Tool.RunAsync("dotnet",
            [RepoPaths.EncoderDll, "check", "--json", .. settings.Select(kv => $"--Encoder:{kv.Key}={kv.Value}")],
            new Dictionary<string, string>(Moto.EnvironmentFor(_instance)) { ["DOTNET_ENVIRONMENT"] = "Production", ["ENCODER_CONFIG"] = "" },
            timeout: TimeSpan.FromSeconds(60));
        var took = clock.Elapsed;
        var start = result.Output.IndexOf("\n{", StringComparison.Ordinal) is var i and >= 0 ? i + 1 : result.Output.StartsWith('{') ? 0 : -1;
        var end = result.Output.LastIndexOf("\n}", StringComparison.Ordinal);
        JsonElement? json = start >= 0 && end > start ? JsonDocument.Parse(result.Output[start..(end + 2)]).RootElement : null;
        return (result, json, took);
    }

    private static Dictionary<string, string> Statuses(JsonElement json) =>
        json.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("check").GetString()!, c => c.GetProperty("status").GetString()!);

    [Test]
    public async Task A_sound_class_passes_every_check_within_fifteen_seconds_and_prints_no_secret()
    {
        var (result, json, took) = await CheckAsync(Settings());

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(json?.GetProperty("verdict").GetString(), Is.EqualTo("pass"), result.Output);
        Assert.That(Statuses(json!.Value), Is.EqualTo(new Dictionary<string, string>
        {
            ["secrets"] = "pass", ["instance"] = "pass", ["camera"] = "pass", ["audio"] = "pass", ["plan"] = "pass",
            ["ingest primary"] = "pass", ["storage"] = "pass", ["clock"] = "pass", ["disk"] = "pass",
        }), result.Output);
        Assert.That(result.Output, Does.Not.Contain(TestCamera.Password).And.Not.Contain(_key));
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(15)), "the whole check, the process's start included");
        var probes = await Moto.ListAsync(Bucket, $"{Prefix}{_session}/");
        Assert.That(probes.Select(o => o.Key), Is.EqualTo(new[] { $"{Prefix}{_session}/preflight-probe.json" }), "the probe, left where the policy allows no delete");
        Assert.That(Ingest.RecordingsFor(_key), Is.Empty, "connect only: nothing was published");
    }

    // what breaks → the one check that fails
    [TestCase("camera down", "camera")]
    [TestCase("secondary ingest down", "ingest secondary")]
    [TestCase("storage outside the instance's prefix", "storage")]
    public async Task A_broken_part_fails_the_check_with_exit_1_naming_it(string broken, string failed)
    {
        var settings = Settings();
        switch (broken)
        {
            case "camera down":
                settings["Camera:Url"] = $"rtsp://127.0.0.1:{FreePort.Next()}/camera";
                break;
            case "secondary ingest down":
                settings["Ingest:Secondary"] = $"rtmp://127.0.0.1:{FreePort.Next()}/live/{_key}";
                break;
            default:
                settings["Storage:Prefix"] = "elsewhere/";
                break;
        }

        var (result, json, _) = await CheckAsync(settings);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(json?.GetProperty("verdict").GetString(), Is.EqualTo("fail"), result.Output);
        Assert.That(Statuses(json!.Value).Where(kv => kv.Value == "fail").Select(kv => kv.Key), Is.EqualTo(new[] { failed }), result.Output);
        Assert.That(json.Value.GetProperty("summary").GetString(), Does.StartWith($"{failed}: "));
    }

    [Test]
    public async Task A_daemon_started_before_the_class_runs_the_same_checks_and_status_json_shows_what_failed()
    {
        var settings = Settings();
        settings["SessionId"] = $"{_session}-d";
        settings["Camera:Url"] = Camera.Url;
        settings["Ingest:Secondary"] = $"rtmp://127.0.0.1:{FreePort.Next()}/live/{_key}";
        settings["Session:StartsAt"] = DateTimeOffset.UtcNow.AddSeconds(45).ToString("O", CultureInfo.InvariantCulture);
        var status = EncoderDaemon.Status(settings);

        await using var daemon = EncoderDaemon.Start(settings, Moto.EnvironmentFor(_instance));
        JsonElement preflight = default;
        await Poll.UntilAsync(() => status.Read() is { } root && root.TryGetProperty("preflight", out preflight), TimeSpan.FromSeconds(40),
            "status.json has the pre-flight", () => daemon.Output);

        Assert.That(preflight.GetProperty("verdict").GetString(), Is.EqualTo("fail"));
        Assert.That(preflight.GetProperty("summary").GetString(), Does.StartWith("ingest secondary: "));
        Assert.That(Statuses(preflight).Where(kv => kv.Value == "fail").Select(kv => kv.Key), Is.EqualTo(new[] { "ingest secondary" }));
        Assert.That(status.RecorderState(), Is.Not.EqualTo("streaming"), "the recorder waits for StartsAt");
    }

    [Test]
    public async Task Bad_configuration_exits_2_with_one_line_per_problem_and_checks_nothing()
    {
        var settings = Settings();
        settings["Camera:Url"] = "http://not-a-camera";
        settings.Remove("Ingest:Primary");

        var (result, json, _) = await CheckAsync(settings);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(json, Is.Null);
        Assert.That(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.StartWith("encoder: configuration error: Encoder:"));
    }
}
