using System.Diagnostics.Metrics;
using Encoder.Ffmpeg;
using Encoder.Metrics;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Encoder.Tests.Provisioning;

/// <summary>ops/encoder-alarms.yaml, the alarms deployed once per account: valid CloudFormation, on metrics the daemon sends.</summary>
[OneCoreEach]
[Category("Deploy")]
[Category("Integration")]
public sealed class AlarmsTemplateTests
{
    private static string TemplatePath => Path.Combine(RepoPaths.Root, "ops", "encoder-alarms.yaml");

    [Test]
    public async Task The_alarms_template_passes_cfn_lint()
    {
        var result = await Tool.RunAsync("cfn-lint", [TemplatePath]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public async Task Cfn_lint_is_real_it_rejects_a_broken_template()
    {
        using var folder = DeployFiles.NewTempFolder();
        var broken = folder.File("broken.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(TemplatePath)).Replace("GreaterThanOrEqualToThreshold", "GreaterThanOrEqualTo", StringComparison.Ordinal));

        var result = await Tool.RunAsync("cfn-lint", [broken]);

        Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
    }

    [TestCase("RecorderDownSeconds")]
    [TestCase("IngestsDownSeconds")]
    [TestCase("UploadLagSeconds")]
    [TestCase("DiskFreePercent")]
    [TestCase("UploadsPendingAtEnd")]
    [TestCase("PlaybackStaleSeconds")]
    [TestCase("VideoBlackSeconds")]
    [TestCase("VideoFrozenSeconds")]
    [TestCase("AudioSilentSeconds")]
    public async Task Each_alarm_reads_a_metric_the_daemon_sends_in_its_namespace_and_dimension(string metric)
    {
        var template = await File.ReadAllTextAsync(TemplatePath);

        Assert.That(template, Does.Contain($"({metric}) FROM SCHEMA(\"{EmfDocument.Namespace}\", SessionId)"));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), TimeProvider.System, new RecorderHealth(TimeProvider.System));
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
        Assert.That(instruments, Does.Contain(metric));
    }
}
