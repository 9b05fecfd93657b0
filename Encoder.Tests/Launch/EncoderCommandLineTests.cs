using Encoder.Launch;
using Microsoft.Extensions.Time.Testing;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class EncoderCommandLineTests
{
    private StringWriter _stdout = null!;
    private StringWriter _stderr = null!;

    [SetUp]
    public void SetUp()
    {
        _stdout = new StringWriter { NewLine = "\n" };
        _stderr = new StringWriter { NewLine = "\n" };
    }

    [TearDown]
    public void TearDown()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private Task<int?> RunAsync(params string[] args) =>
        EncoderCommandLine.RunAsync(args, _stdout, _stderr, new FakeTimeProvider(Now), _ => throw new AssertionException("nothing may be launched"));

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    public async Task The_daemon_s_help_names_the_launch_verb_the_config_sources_in_order_the_key_reference_and_the_exit_codes(string flag)
    {
        var exit = await RunAsync(flag);

        Assert.That(exit, Is.Zero);
        Assert.That(_stderr.ToString(), Is.Empty);
        Assert.That(_stdout.ToString(), Does.Contain("Usage:\n  encoder [command] [options]")
            .And.Contain("launch  Start one EC2 instance for one class from the Encoder AMI")
            .And.Contain("--version")
            .And.Match("appsettings.json(.|\n)*ENCODER_CONFIG(.|\n)*/etc/encoder/encoder.json(.|\n)*Encoder__Camera__Url(.|\n)*--Encoder:Camera:Url")
            .And.Contain("README.md, section \"Configuration\"")
            .And.Contain("Exit codes: 0 clean stop").And.Contain("2 bad configuration").And.Contain("4 self-termination failed"));
    }

    [Test]
    public async Task Help_anywhere_wins_over_daemon_settings_and_quotes_none_of_them()
    {
        var exit = await RunAsync($"--Encoder:Camera:Url=rtsp://viewer:{CameraPassword}@10.0.0.5/s", "--help");

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Contain("Usage:\n  encoder").And.Not.Contain(CameraPassword));
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task Version_prints_the_project_s_informational_version()
    {
        var exit = await RunAsync("--version");

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Match(@"^0\.1\.0(\+[0-9a-f]+)?\n$"));
        Assert.That(_stdout.ToString(), Is.EqualTo(EncoderCommandLine.Version + "\n"));
    }

    // Each case: arguments that are the daemon's configuration, for the host to read, as before.
    [TestCase]
    [TestCase("--Encoder:SessionId=yoga")]
    [TestCase("--Encoder:Camera:Url", "rtsp://viewer:secret@10.0.0.5/s")]
    [TestCase("/Encoder:SessionId=yoga", "--Encoder:Video:Mode=copy")]
    [TestCase("Encoder:SessionId=yoga")]
    public async Task Daemon_settings_go_to_the_host_untouched(params string[] args)
    {
        var exit = await RunAsync(args);

        Assert.That(exit, Is.Null);
        Assert.That(_stdout.ToString() + _stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task The_launch_verb_is_dispatched_with_its_own_arguments()
    {
        var exit = await RunAsync(["launch", .. ArgsWith("--ami", "ubuntu")]);

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Does.EndWith("\nencoder launch: --ami: must look like ami-0123456789abcdef0\n"), "after the WARNs for the secrets on the command line");
    }

    [TestCaseSource(typeof(LaunchOption), nameof(LaunchOption.All))]
    public async Task Launch_help_lists_every_option_with_its_value_name(LaunchOption option)
    {
        var exit = await RunAsync("launch", "--help");

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Contain(option.IsSwitch ? $"  {option.Flag} " : $"  {option.Flag} <{option.Value}>"));
    }
}
