using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The AMI template, checked by Debian's Packer 1.6.6 (Amazon builder built in): formatting, and a full validate
/// (not -syntax-only), which needs neither AWS credentials nor the network. plugins.pkr.hcl (the pin for Packer >= 1.7)
/// is formatted but not validated: 1.6.6 rejects required_plugins, and encoder.pkr.hcl needs nothing from it.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class PackerTests
{
    private static readonly Dictionary<string, string> Offline = new()
    {
        ["CHECKPOINT_DISABLE"] = "1",
        ["AWS_ACCESS_KEY_ID"] = "",
        ["AWS_SECRET_ACCESS_KEY"] = "",
        ["AWS_PROFILE"] = "",
        ["PACKER_LOG"] = "",
    };

    [Test]
    public async Task The_templates_are_formatted()
    {
        var result = await Tool.RunAsync("packer", ["fmt", "-check", "-diff", "packer/"], Offline);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public async Task The_ami_template_validates_with_the_published_binary()
    {
        var binary = await PublishedEncoder.PathAsync();

        var result = await Tool.RunAsync("packer", ["validate", "-var", $"binary={binary}", "packer/encoder.pkr.hcl"], Offline);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public async Task Validation_is_real_it_rejects_a_missing_binary()
    {
        var result = await Tool.RunAsync("packer", ["validate", "-var", "binary=/nonexistent/encoder", "packer/encoder.pkr.hcl"], Offline);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Output, Does.Contain("/nonexistent/encoder"));
    }
}
