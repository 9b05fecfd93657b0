using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>The Native AOT binary as it ships.</summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class PublishedBinaryTests
{
    [Test]
    public async Task Started_with_no_configuration_it_exits_2_naming_each_missing_key()
    {
        var binary = await PublishedEncoder.PathAsync();
        using var folder = DeployFiles.NewTempFolder();

        var result = await Tool.RunAsync(binary, [], new Dictionary<string, string> { ["ENCODER_CONFIG"] = "", ["DOTNET_ENVIRONMENT"] = "Production" }, folder.Path);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), result.Output);
        Assert.That(result.Output, Does.Contain("Encoder:SessionId: is required"));
        Assert.That(result.Output, Does.Contain("Encoder:Camera:Url: is required"));
        Assert.That(result.Output, Does.Contain("Encoder:Ingest:Primary: is required"));
    }

    [Test]
    public async Task Natively_compiled_it_still_names_a_mistyped_key_and_an_out_of_range_value()
    {
        var binary = await PublishedEncoder.PathAsync();
        using var folder = DeployFiles.NewTempFolder();

        var result = await Tool.RunAsync(binary, ["--Encoder:Camra:Url=rtsp://h/s", "--Encoder:Camera:TimeoutSeconds=0"],
            new Dictionary<string, string> { ["ENCODER_CONFIG"] = "", ["DOTNET_ENVIRONMENT"] = "Production" }, folder.Path);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), result.Output);
        Assert.That(result.Output, Does.Contain("Encoder:Camra:Url: is not a known key (did you mean Encoder:Camera:Url?)"));
        Assert.That(result.Output, Does.Contain("Encoder:Camera:TimeoutSeconds: must be between 1 and 120"));
    }

    [Test]
    public async Task The_launch_verb_runs_from_the_same_binary()
    {
        var result = await Tool.RunAsync(await PublishedEncoder.PathAsync(), ["launch", "--help"]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("Usage:\n  encoder launch [options]").And.Contain("--session-id <ID>"));
    }

    // A config file that does not exist would stop the daemon with exit 2: help and version are answered before it is read.
    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    public async Task Help_exits_0_naming_the_config_sources_and_the_launch_verb(string flag)
    {
        var result = await Tool.RunAsync(await PublishedEncoder.PathAsync(), [flag], new Dictionary<string, string> { ["ENCODER_CONFIG"] = "/nonexistent/encoder.json" });

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("Usage:\n  encoder [command] [options]")
            .And.Match("launch +Start one EC2 instance").And.Match("end-class +End the class now")
            .And.Contain("/etc/encoder/encoder.json")
            .And.Contain("--Encoder:Camera:Url=")
            .And.Contain("Exit codes:"));
    }

    [Test]
    public async Task Version_exits_0_with_the_project_s_version()
    {
        var result = await Tool.RunAsync(await PublishedEncoder.PathAsync(), ["--version"], new Dictionary<string, string> { ["ENCODER_CONFIG"] = "/nonexistent/encoder.json" });

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output.TrimEnd(), Does.Match(@"^0\.1\.0(\+[0-9a-f]+)?$")); // Tool.RunAsync keeps no trailing newline
    }
}
