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

    private async Task<int?> RunAsync(params string[] args) => (await OutcomeOf(args)).ExitCode;

    private Task<CommandLineOutcome> OutcomeOf(params string[] args) =>
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
            .And.Match("  launch +Start one EC2 instance for one class from the Encoder AMI")
            .And.Match("  end-class +End the class now, on purpose")
            .And.Contain("--version")
            .And.Match("appsettings.json(.|\n)*ENCODER_CONFIG(.|\n)*/etc/encoder/encoder.json(.|\n)*Encoder__Camera__Url(.|\n)*--Encoder:Camera:Url")
            .And.Contain("docs/configuration.md")
            .And.Contain("Exit codes: 0 clean stop").And.Contain("2 bad configuration").And.Contain("4 self-termination failed")
            .And.Contain("6 another daemon already records this session"));
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

    // Each case: arguments that are the daemon's configuration, for the host to read as given.
    [TestCase]
    [TestCase("--Encoder:SessionId=yoga")]
    [TestCase("--Encoder:Camera:Url", "rtsp://viewer:secret@10.0.0.5/s")]
    [TestCase("/Encoder:SessionId=yoga", "--Encoder:Video:Mode=copy")]
    [TestCase("Encoder:SessionId=yoga")]
    [TestCase("--Encoder:Ingest:Primary", "end_class")]
    [TestCase("--environment=Development")]
    public async Task Daemon_settings_go_to_the_host_untouched(params string[] args)
    {
        var outcome = await OutcomeOf(args);

        Assert.That(outcome, Is.EqualTo(new CommandLineOutcome(null, DaemonVerb.Run, outcome.Settings)));
        Assert.That(outcome.Settings, Is.EqualTo(args));
        Assert.That(_stdout.ToString() + _stderr.ToString(), Is.Empty);
    }

    // args → (settings, command words)
    [TestCase(new[] { "end-class", "--Encoder:SessionId=yoga" }, new[] { "--Encoder:SessionId=yoga" }, new[] { "end-class" })]
    [TestCase(new[] { "--Encoder:SessionId=yoga", "end-class" }, new[] { "--Encoder:SessionId=yoga" }, new[] { "end-class" })]
    [TestCase(new[] { "--Encoder:Camera:Url", "-x", "--help" }, new[] { "--Encoder:Camera:Url", "-x" }, new[] { "--help" })]
    [TestCase(new[] { "/Encoder:SessionId", "yoga", "-v" }, new[] { "/Encoder:SessionId", "yoga" }, new[] { "-v" })]
    [TestCase(new[] { "Encoder:SessionId=yoga", "end_class", "--version" }, new[] { "Encoder:SessionId=yoga" }, new[] { "end_class", "--version" })]
    [TestCase(new[] { "-x=1", "--", "/" }, new string[0], new[] { "-x=1", "--", "/" })]
    public void Settings_are_parted_from_command_words_as_the_host_reads_them(string[] args, string[] settings, string[] words)
    {
        var parts = EncoderCommandLine.Part(args);

        Assert.That((parts.Settings, parts.Words, parts.Problem), Is.EqualTo((settings, words, (string?)null)));
    }

    [Test]
    public async Task A_last_setting_without_a_value_is_refused_instead_of_skipped()
    {
        var exit = await RunAsync("--Encoder:SessionId=yoga", "--Encoder:Camera:Url");

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Is.EqualTo("encoder: --Encoder:Camera:Url has no value (--Encoder:Key=value); nothing was started (encoder --help)\n"));
    }

    [Test]
    public async Task End_class_runs_with_the_daemon_s_settings_wherever_they_stand()
    {
        var outcome = await OutcomeOf("--Encoder:SessionId=yoga", "end-class", "--Encoder:Recording:Directory", "/tmp/r");

        Assert.That((outcome.ExitCode, outcome.Verb), Is.EqualTo(((int?)null, DaemonVerb.EndClass)));
        Assert.That(outcome.Settings, Is.EqualTo(new[] { "--Encoder:SessionId=yoga", "--Encoder:Recording:Directory", "/tmp/r" }));
    }

    [Test]
    public async Task End_class_has_its_own_help()
    {
        var exit = await RunAsync("end-class", "--help");

        Assert.That(exit, Is.Zero);
        Assert.That(_stdout.ToString(), Does.Contain("Usage:\n  encoder end-class [options]").And.Contain("sudo encoder end-class"));
    }

    [TestCase("end_class")]
    [TestCase("endclass")]
    [TestCase("End-Class")]
    public async Task A_mistyped_verb_is_refused_with_exit_2_and_a_did_you_mean_line_never_a_daemon(string word)
    {
        var exit = await RunAsync(word, "--Encoder:SessionId=yoga");

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Does.StartWith($"encoder: '{word}' is not a command, an option or a setting (--Encoder:Key=value); nothing was started; did you mean 'end-class'?\n"));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    // word → the suggestion, or none
    [TestCase("lunch", "launch")]
    [TestCase("Launch", "launch")]
    [TestCase("--hlep", "--help")]
    [TestCase("--verison", "--version")]
    [TestCase("start", null)]
    [TestCase("yoga", null)]
    public void A_mistyped_word_is_matched_with_the_nearest_command_or_option_only_when_near(string word, string? nearest) =>
        Assert.That(EncoderCommandLine.Nearest(word), Is.EqualTo(nearest));

    [Test]
    public async Task A_stray_word_that_may_be_a_secret_is_not_quoted_back()
    {
        var exit = await RunAsync("--Encoder:Camera:Url", "rtsp://cam/s", "rtsp://viewer:S3cret@10.0.0.5/s");

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Does.StartWith("encoder: an argument is not a command").And.Not.Contain("S3cret"));
    }

    [Test]
    public async Task Launch_anywhere_but_first_is_refused()
    {
        var exit = await RunAsync("--Encoder:SessionId=yoga", "launch");

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(_stderr.ToString(), Does.StartWith("encoder: launch must come first"));
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
