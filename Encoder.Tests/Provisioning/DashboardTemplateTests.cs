using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Encoder.Metrics;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encoder.Tests.Provisioning;

/// <summary>ops/encoder-dashboard.yaml, the dashboard beside the alarms: valid CloudFormation, a body CloudWatch can read, every metric the daemon sends and every alarm on it.</summary>
[OneCoreEach]
[Category("Deploy")]
public sealed partial class DashboardTemplateTests
{
    private static string TemplatePath => Path.Combine(RepoPaths.Root, "ops", "encoder-dashboard.yaml");

    [Test]
    [Category("Integration")]
    public async Task The_dashboard_template_passes_cfn_lint()
    {
        var result = await Tool.RunAsync("cfn-lint", [TemplatePath]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    [Category("Integration")]
    public async Task Cfn_lint_is_real_it_rejects_a_broken_dashboard()
    {
        using var folder = DeployFiles.NewTempFolder();
        var broken = folder.File("broken.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(TemplatePath)).Replace("DashboardBody:", "DashboardJson:", StringComparison.Ordinal));

        var result = await Tool.RunAsync("cfn-lint", [broken]);

        Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
    }

    [Test]
    public void The_body_is_json_once_cloudformation_fills_in_the_region_and_account()
    {
        var body = Body();

        Assert.That(Placeholder().Matches(body).Select(m => m.Value).Distinct(), Is.SubsetOf(new[] { "${AWS::Region}", "${AWS::Partition}", "${AWS::AccountId}" }));
        using var json = JsonDocument.Parse(Filled(body));
        Assert.That(json.RootElement.GetProperty("widgets").GetArrayLength(), Is.GreaterThan(0));
    }

    [Test]
    public void Every_metric_the_daemon_sends_is_graphed_in_its_namespace_and_dimensions()
    {
        using var json = JsonDocument.Parse(Filled(Body()));
        var queries = json.RootElement.GetProperty("widgets").EnumerateArray()
            .Where(w => w.GetProperty("type").GetString() == "metric")
            .SelectMany(w => w.GetProperty("properties").GetProperty("metrics").EnumerateArray())
            .SelectMany(line => line.EnumerateArray())
            .Select(entry => entry.GetProperty("expression").GetString()!)
            .ToList();

        var missing = MeterInstruments().Where(metric =>
        {
            var dimensions = metric == "IngestUp" ? $"SessionId, {EncoderMetrics.SlotTag}" : "SessionId";
            return !queries.Any(q => Regex.IsMatch(q, $@"^SELECT [A-Z]+\({metric}\) FROM SCHEMA\(""{EmfDocument.Namespace}"", {dimensions}\) GROUP BY {dimensions}$"));
        });

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Every_alarm_of_the_alarms_template_is_on_the_dashboard()
    {
        var alarms = AlarmName().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "ops", "encoder-alarms.yaml"))).Select(m => m.Groups["name"].Value).ToList();
        using var json = JsonDocument.Parse(Filled(Body()));
        var shown = json.RootElement.GetProperty("widgets").EnumerateArray()
            .Where(w => w.GetProperty("type").GetString() == "alarm")
            .SelectMany(w => w.GetProperty("properties").GetProperty("alarms").EnumerateArray())
            .Select(arn => arn.GetString()!.Split(":alarm:")[1]);

        Assert.That(alarms, Has.Count.EqualTo(9));
        Assert.That(shown, Is.EquivalentTo(alarms));
    }

    /// <summary>The literal block under <c>DashboardBody: !Sub |</c>, unindented.</summary>
    private static string Body()
    {
        var lines = File.ReadAllLines(TemplatePath);
        var start = Array.FindIndex(lines, l => l.Trim() == "DashboardBody: !Sub |");
        Assert.That(start, Is.GreaterThan(0), "DashboardBody: !Sub | not found");
        var indent = new string(' ', lines[start].IndexOf('D', StringComparison.Ordinal) + 2);
        return string.Join('\n', lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith(indent, StringComparison.Ordinal)).Select(l => l.Length == 0 ? l : l[indent.Length..]));
    }

    private static string Filled(string body) => body
        .Replace("${AWS::Region}", "eu-west-1", StringComparison.Ordinal)
        .Replace("${AWS::Partition}", "aws", StringComparison.Ordinal)
        .Replace("${AWS::AccountId}", "123456789012", StringComparison.Ordinal);

    private static List<string> MeterInstruments()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), TimeProvider.System, new Encoder.Ffmpeg.RecorderHealth(TimeProvider.System));
        var instruments = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter))
                    instruments.Add(instrument.Name);
            },
        };
        listener.Start();
        Assert.That(instruments, Has.Count.GreaterThan(10));
        return instruments;
    }

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"AlarmName: (?<name>\S+)")]
    private static partial Regex AlarmName();
}
