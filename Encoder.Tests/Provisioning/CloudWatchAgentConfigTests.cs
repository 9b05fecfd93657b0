using System.Text.Json;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Launch;
using Encoder.Logging;
using Encoder.Metrics;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The CloudWatch agent's configuration the AMI ships (cloud-init/amazon-cloudwatch-agent.json) and the boot script that
/// writes the class's session id into it (cloud-init/encoder-cloudwatch-agent), run here without the agent installed.
/// </summary>
[Category("Deploy")]
public sealed class CloudWatchAgentConfigTests
{
    private static JsonElement Template()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.CloudInit("amazon-cloudwatch-agent.json")));
        return document.RootElement.Clone();
    }

    private static List<JsonElement> CollectList(JsonElement config) =>
        [.. config.GetProperty("logs").GetProperty("logs_collected").GetProperty("files").GetProperty("collect_list").EnumerateArray()];

    [Test]
    public void The_agent_listens_for_EMF_and_collects_the_logs_into_the_class_log_group_one_stream_set_per_session()
    {
        var config = Template();

        Assert.That(config.GetProperty("logs").GetProperty("metrics_collected").GetProperty("emf").ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(CollectList(config).Select(f => f.GetProperty("log_group_name").GetString()), Is.All.EqualTo("/encoder/classes"));
        Assert.That(CollectList(config).Select(f => f.GetProperty("log_stream_name").GetString()), Is.All.StartsWith("@SESSION_ID@/"));
        Assert.That(CollectList(config).Select(f => f.GetProperty("log_stream_name").GetString()), Is.Unique);
    }

    [Test]
    public void The_collected_paths_match_the_logs_the_daemon_writes_by_default()
    {
        var layout = new RecordingLayout(new EncoderOptions { SessionId = "yoga" });
        var at = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        var written = new[]
        {
            Path.Combine(layout.LogDirectory, EncoderLogging.DaemonLogFileName),
            layout.FfmpegLogPath("recorder", 1, at),
            layout.FfmpegLogPath("egress-primary", 2, at),
            layout.FfmpegLogPath("egress-secondary", 1, at),
            layout.FfmpegLogPath("content", 3, at),
        };
        var patterns = CollectList(Template()).Select(f => f.GetProperty("file_path").GetString()!.Replace("@SESSION_ID@", "yoga", StringComparison.Ordinal)).ToList();

        foreach (var file in written)
            Assert.That(patterns.Count(p => Glob(p).IsMatch(file)), Is.EqualTo(1), $"{file} is collected exactly once by {string.Join(", ", patterns)}");
    }

    [Test]
    public async Task At_boot_the_session_id_goes_into_the_stream_names_and_nothing_else_changes()
    {
        using var folder = DeployFiles.NewTempFolder();
        var config = folder.File("encoder.json");
        await File.WriteAllTextAsync(config, ClassConfigJson.Render(DeployFiles.SampleClass().ClassSettings));
        var output = folder.File("agent/encoder-agent.json");

        var result = await Tool.RunAsync(DeployFiles.CloudInit("encoder-cloudwatch-agent"), [config, DeployFiles.CloudInit("amazon-cloudwatch-agent.json"), output]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        var written = await File.ReadAllTextAsync(output);
        Assert.That(written, Does.Not.Contain("@SESSION_ID@"));
        Assert.That(written, Is.EqualTo((await File.ReadAllTextAsync(DeployFiles.CloudInit("amazon-cloudwatch-agent.json"))).Replace("@SESSION_ID@", "yoga-2026-11-23-1800", StringComparison.Ordinal)));
        using var parsed = JsonDocument.Parse(written);
        Assert.That(CollectList(parsed.RootElement).First().GetProperty("log_stream_name").GetString(), Is.EqualTo("yoga-2026-11-23-1800/encoder"));
    }

    [Test]
    public async Task Without_a_valid_session_id_it_configures_nothing_and_never_fails_the_boot()
    {
        using var folder = DeployFiles.NewTempFolder();
        var config = folder.File("encoder.json");
        await File.WriteAllTextAsync(config, """{ "Encoder": { "SessionId": "a/b\"; rm -rf /" } }""");
        var output = folder.File("encoder-agent.json");

        var result = await Tool.RunAsync(DeployFiles.CloudInit("encoder-cloudwatch-agent"), [config, DeployFiles.CloudInit("amazon-cloudwatch-agent.json"), output]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void The_EMF_documents_go_to_a_log_group_the_instance_policy_covers() =>
        Assert.That(EmfDocument.LogGroupName, Does.Match("^/encoder/[a-z]+$"));

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");
}
