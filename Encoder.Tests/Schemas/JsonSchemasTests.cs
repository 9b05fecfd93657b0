using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Launch;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Recording;
using Encoder.Schemas;
using Encoder.Status;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Encoder.Tests.Launch;
using Json.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace Encoder.Tests.Schemas;

/// <summary>
/// docs/schemas/ holds the schemas exported from the types Encoder binds and writes, and what Encoder really writes
/// (and what <c>encoder launch</c> writes for it to read) validates against them, with a validator that is not ours.
/// </summary>
public sealed class JsonSchemasTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    private static IEnumerable<TestCaseData> Committed() =>
        JsonSchemas.All.Select(s => new TestCaseData(s.FileName).SetName($"docs/schemas/{s.FileName} is the schema exported from its type"));

    [TestCaseSource(nameof(Committed))]
    public void The_committed_schema_is_the_one_generated_from_the_type(string fileName)
    {
        var generated = JsonSchemas.All.Single(s => s.FileName == fileName).Text();
        var path = Path.Combine(RepoPaths.Root, "docs", "schemas", fileName);
        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";

        if (committed != generated)
        {
            var expected = Path.Combine(Path.GetTempPath(), fileName);
            File.WriteAllText(expected, generated);
            Assert.That(committed, Is.EqualTo(generated), $"{path} differs from its type; the schema as generated is in {expected} (copy it over)");
        }
    }

    [Test]
    public void Each_schema_is_a_valid_2020_12_schema()
    {
        foreach (var (fileName, text) in JsonSchemas.All)
        {
            var results = MetaSchemas.Draft202012.Evaluate(JsonDocument.Parse(text()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.That(results.IsValid, Is.True, $"{fileName}: {Explain(results)}");
        }
    }

    [Test]
    public void A_status_snapshot_as_written_validates_in_every_state()
    {
        var time = new FakeTimeProvider(T0);
        var ledger = new SegmentLedger(time);
        var recorder = new RecorderHealth(time);
        var status = new EncoderStatus(time, new RelayCounters(), recorder, ledger);
        const string primary = IngestSlot.PrimaryName, secondary = IngestSlot.SecondaryName;
        var snapshots = new List<StatusSnapshot> { status.Snapshot("yoga") }; // idle, nothing known

        recorder.RunStarting();
        recorder.Progress(new FfmpegProgress(30, TimeSpan.FromSeconds(1), 1.0, IsEnd: false));
        status.Hear(new RecorderProgressed(T0, 30, null, TimeSpan.FromSeconds(1), 1.0, 30, 4000));
        status.Hear(new IngestConnecting(T0, primary));
        status.Hear(new IngestProgressed(T0, primary, 30, 125_000, TimeSpan.FromSeconds(1), 1.0));
        status.Hear(new IngestActivated(T0, primary, Secondary: false, Failover: false, Return: false));
        ledger.PlaylistRead(HlsPlaylist.Parse("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n#EXTINF:2.0,\nseg_00001.ts\n#EXTINF:2.0,\nseg_00002.ts\n"));
        ledger.Stored("seg_00000.ts");
        ledger.Stored("seg_00001.ts");
        snapshots.Add(status.Snapshot("yoga"));

        status.Hear(new IngestEnded(T0, primary, "Connection refused", Failed: true));
        status.Hear(new IngestConnecting(T0, secondary));
        status.Hear(new IngestProgressed(T0, secondary, 10, null, TimeSpan.FromSeconds(0.4), 1.0));
        status.Hear(new IngestActivated(T0, secondary, Secondary: true, Failover: true, Return: false));
        status.Hear(new FailedOver(T0, TimeSpan.FromSeconds(0.84)));
        recorder.RunEnded(failed: true);
        status.Hear(new RecorderFailed(T0, "the camera closed the connection", TimeSpan.FromSeconds(1), FailureReport.OutageStarted, 1, T0, TimeSpan.FromSeconds(0.5)));
        time.Advance(TimeSpan.FromSeconds(5));
        snapshots.Add(status.Snapshot("yoga"));

        foreach (var snapshot in snapshots)
            AssertValid("status.schema.json", JsonSerializer.Serialize(snapshot, StatusJsonContext.Default.StatusSnapshot));
        Assert.That(snapshots.Select(s => s.Recorder.State), Is.EqualTo(new[] { "idle", "streaming", "down" }));
    }

    [Test]
    public void A_session_manifest_as_stored_validates_whole_or_incomplete()
    {
        var playlist = HlsPlaylist.Parse(HlsPlaylist.AsFinal("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\nseg_00001.ts\n"));
        var camera = new Outage(Outage.Camera, T0.AddMinutes(5), T0.AddMinutes(5).AddSeconds(12), "the camera or the recorder failed; restarted");
        var storage = new Outage(Outage.Storage, T0.AddMinutes(9), T0.AddMinutes(10), "storage did not answer");

        var incomplete = SessionManifest.Build("yoga", T0, T0.AddHours(1), playlist, "recordings/yoga/index.m3u8", ["primary", "secondary"],
            [camera, storage], [new DaemonRestart(T0.AddMinutes(20), T0.AddMinutes(20).AddSeconds(4))], ["seg_00001.ts", "logs/encoder.log"],
            new FailoverCounts(1, 1, 0.84), "https://d111111abcdef8.cloudfront.net");
        var whole = SessionManifest.Build("yoga", T0, T0.AddHours(1), playlist, "yoga/index.m3u8", ["primary"], [], []);
        var nothing = SessionManifest.Build("yoga", T0, T0.AddHours(1), HlsPlaylist.Parse(""), "yoga/index.m3u8", [], [], []);

        foreach (var manifest in new[] { incomplete, whole, nothing })
            AssertValid("session.schema.json", System.Text.Encoding.UTF8.GetString(manifest.ToJson()));
        Assert.That(new[] { incomplete.Outcome, whole.Outcome, nothing.Outcome }, Is.EqualTo(new[] { "incomplete", "complete", "incomplete" }));
    }

    [Test]
    public void A_manifest_without_its_outcome_or_with_an_unknown_one_does_not_validate()
    {
        var json = JsonNode.Parse(SessionManifest.Build("yoga", T0, T0.AddHours(1), HlsPlaylist.Parse(""), "yoga/index.m3u8", [], [], []).ToJson())!.AsObject();
        var unknown = json.DeepClone().AsObject();
        unknown["outcome"] = "partial";
        json.Remove("outcome");

        Assert.That((Evaluate("session.schema.json", json.ToJsonString()).IsValid, Evaluate("session.schema.json", unknown.ToJsonString()).IsValid), Is.EqualTo((false, false)));
    }

    private static IEnumerable<TestCaseData> ClassFiles()
    {
        string Launched(params string[] extra) =>
            ClassConfigJson.Render(LaunchArguments.Parse(LaunchSamples.Args(extra), LaunchSamples.Now).Request!.ClassSettings);

        yield return new TestCaseData(Launched()).SetName("The class file encoder launch writes (every value a string)");
        yield return new TestCaseData(Launched("--set", "Encoder:Video:Mode=copy", "--set", "Encoder:Ffmpeg:RestartDelaySeconds=0.25", "--set", "Encoder:Storage:DeleteLocalAfterUpload=false"))
            .SetName("The class file encoder launch writes with settings of every kind");
        yield return new TestCaseData(File.ReadAllText(Path.Combine(RepoPaths.Root, "Encoder.Worker", "appsettings.Development.json")))
            .SetName("dev/demo's settings (numbers and booleans as JSON)");
        foreach (var (block, i) in JsonBlocks(Path.Combine(RepoPaths.Root, "docs", "configuration.md")).Select((b, i) => (b, i)))
            yield return new TestCaseData(block).SetName($"docs/configuration.md's example {i + 1}");
    }

    [TestCaseSource(nameof(ClassFiles))]
    public void A_class_file_the_daemon_reads_validates(string json)
    {
        AssertValid("encoder.schema.json", json);
    }

    // each: a file the daemon refuses, and the schema must too
    [TestCase("""{ "Encoder": { "Camra": { "Url": "rtsp://h/s" } } }""", TestName = "An unknown key in a section is refused like the daemon refuses it")]
    [TestCase("""{ "Encoder": { "Camera": { "Url": "rtsp://h/s", "Timeout": 5 } } }""", TestName = "An unknown key in a section's section is refused")]
    [TestCase("""{ "Encoder": { "Camera": { "TimeoutSeconds": 0 } } }""", TestName = "A number below its range is refused")]
    [TestCase("""{ "Encoder": { "Camera": { "TimeoutSeconds": "5s" } } }""", TestName = "A number written as words is refused")]
    [TestCase("""{ "Encoder": { "Ffmpeg": { "RestartDelaySeconds": 0 } } }""", TestName = "An exclusive minimum is exclusive")]
    [TestCase("""{ "Encoder": { "Video": { "Mode": "fast" } } }""", TestName = "A value outside an enum is refused")]
    [TestCase("""{ "Encoder": { "SelfTerminate": { "Enabled": "yes" } } }""", TestName = "A flag that is not true or false is refused")]
    [TestCase("""{ "Logging": { "Console": { "FormatterName": "json" } } }""", TestName = "A logging provider's section is refused like the daemon refuses it")]
    [TestCase("""{ "Logging": { "LogLevel": { "Default": "Verbose" } } }""", TestName = "A Serilog level name under LogLevel is refused")]
    public void A_class_file_the_daemon_refuses_does_not_validate(string json)
    {
        Assert.That(Evaluate("encoder.schema.json", json).IsValid, Is.False);
    }

    [Test]
    public void Each_setting_says_its_meaning_default_and_range_in_the_schema()
    {
        var encoder = JsonNode.Parse(JsonSchemas.EncoderConfig())!["properties"]!["Encoder"]!;
        var timeout = encoder["properties"]!["Camera"]!["properties"]!["TimeoutSeconds"]!;
        var mode = encoder["properties"]!["Ingest"]!["properties"]!["Mode"]!;

        Assert.That((timeout["default"]!.GetValue<int>(), timeout["minimum"]!.GetValue<double>(), timeout["maximum"]!.GetValue<double>()), Is.EqualTo((5, 1.0, 120.0)));
        Assert.That(timeout["description"]!.GetValue<string>(), Does.StartWith(EncoderSettings.Find("Encoder:Camera:TimeoutSeconds")!.Description));
        Assert.That(mode["enum"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "failover", "redundant" }));
        Assert.That(mode["default"]!.GetValue<string>(), Is.EqualTo("failover"));
    }

    [Test]
    public void A_class_file_that_names_its_schema_is_read_like_one_that_does_not()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $$"""
                {
                  "$schema": "https://example.com/encoder/docs/schemas/encoder.schema.json",
                  "Encoder": {
                    "SessionId": "yoga-2026-11-23",
                    "Camera": { "Url": "rtsp://viewer:secret@10.0.0.5:554/stream1" },
                    "Ingest": { "Primary": "rtmp://a.rtmp.example.com/live/primary-key" }
                  },
                  "Logging": { "LogLevel": { "Default": "Information" } }
                }
                """);
            var configuration = new ConfigurationManager();

            var fileError = EncoderConfigFile.Add(configuration, file);
            var loaded = EncoderConfiguration.Load(configuration, Tests.Configuration.TestConfigurations.Now);
            var (_, levelErrors) = LogLevels.Read(configuration, LogEventLevel.Information);

            Assert.That((fileError, loaded.Errors, levelErrors), Is.EqualTo(((string?)null, Array.Empty<string>(), Array.Empty<string>())));
            Assert.That(loaded.Options.SessionId, Is.EqualTo("yoga-2026-11-23"));
            AssertValid("encoder.schema.json", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AssertValid(string schemaFile, string json)
    {
        var results = Evaluate(schemaFile, json);
        Assert.That(results.IsValid, Is.True, $"{schemaFile}: {Explain(results)}\n{json}");
    }

    private static EvaluationResults Evaluate(string schemaFile, string json)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", schemaFile)));
        return schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Explain(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    /// <summary>The ```json blocks of a Markdown file that hold a whole class file (an object with an Encoder section).</summary>
    private static IEnumerable<string> JsonBlocks(string markdown) =>
        Regex.Matches(File.ReadAllText(markdown), "```json\n(?<json>.*?)```", RegexOptions.Singleline)
            .Select(m => m.Groups["json"].Value)
            .Where(json => JsonNode.Parse(json) is JsonObject o && o.ContainsKey("Encoder"));
}
