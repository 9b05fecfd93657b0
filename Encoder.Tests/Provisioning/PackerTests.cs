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

    // arch → what the template builds from and names (packer inspect prints the locals)
    [TestCase("x86_64", "debian-12-amd64-*", "x86_64", "c5.large", "out/encoder", "encoder-2")]
    [TestCase("arm64", "debian-12-arm64-*", "arm64", "c6g.large", "out-arm64/encoder", "encoder-arm64-2")]
    public async Task Each_architecture_builds_from_its_debian_image_on_its_own_instance_with_its_binary(
        string arch, string baseImage, string ec2Arch, string instanceType, string binary, string amiNamePrefix)
    {
        var result = await Tool.RunAsync("packer", ["inspect", "-var", $"arch={arch}", "packer/encoder.pkr.hcl"], Offline);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain($"local.base_ami_name: \"{baseImage}\"")
            .And.Contain($"local.ec2_arch: \"{ec2Arch}\"")
            .And.Contain($"local.instance_type: \"{instanceType}\"")
            .And.Contain($"local.binary: \"{binary}\"")
            .And.Contain($"local.ami_name: \"{amiNamePrefix}"));
    }

    [Test]
    public async Task The_arm64_build_looks_for_the_arm64_binary()
    {
        Assume.That(File.Exists(Path.Combine(RepoPaths.Root, "out-arm64", "encoder")), Is.False, "an arm64 binary is published in the work tree");

        var result = await Tool.RunAsync("packer", ["validate", "-var", "arch=arm64", "packer/encoder.pkr.hcl"], Offline, RepoPaths.Root);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Output, Does.Contain("out-arm64/encoder"));
    }
}
