using Encoder.Launch;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Preflight;

public sealed class CheckCommandLineTests
{
    private static async Task<(CommandLineOutcome Outcome, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var outcome = await EncoderCommandLine.RunAsync(args, stdout, stderr, new FakeTimeProvider(), _ => throw new AssertionException("nothing may be launched"));
        return (outcome, stdout.ToString(), stderr.ToString());
    }

    // args → json, the settings handed to the host
    [TestCase(new[] { "check" }, false, new string[0])]
    [TestCase(new[] { "check", "--json" }, true, new string[0])]
    [TestCase(new[] { "--json", "check" }, false, null)]
    [TestCase(new[] { "check", "--json", "--Encoder:SessionId=yoga" }, true, new[] { "--Encoder:SessionId=yoga" })]
    [TestCase(new[] { "--Encoder:SessionId", "yoga", "check", "--json" }, true, new[] { "--Encoder:SessionId", "yoga" })]
    public async Task Check_is_a_verb_with_the_daemon_s_settings_and_json_is_its_word_never_a_setting(string[] args, bool json, string[]? settings)
    {
        var (outcome, _, stderr) = await RunAsync(args);

        if (settings is null)
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), "--json belongs to check, not to the daemon");
            Assert.That(stderr, Does.Contain("nothing was started"));
            return;
        }

        Assert.That((outcome.ExitCode, outcome.Verb, outcome.Json), Is.EqualTo(((int?)null, DaemonVerb.Check, json)));
        Assert.That(outcome.Settings, Is.EqualTo(settings));
    }

    [Test]
    public async Task Check_has_its_own_help_with_its_exit_codes_and_the_daemon_s_help_names_it()
    {
        var (own, stdout, _) = await RunAsync("check", "--help");
        var (_, daemon, _) = await RunAsync("--help");

        Assert.That(own.ExitCode, Is.EqualTo(ExitCodes.Clean));
        Assert.That(stdout, Does.Contain("Usage:\n  encoder check [options]").And.Contain("--json").And.Contain("Exit codes: 0 every check passed"));
        Assert.That(daemon, Does.Match("  check +Check the class before it starts").And.Contain("sudo encoder check"));
    }
}
