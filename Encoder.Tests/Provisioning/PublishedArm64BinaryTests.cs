using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The Native AOT binary for Graviton (linux-arm64), cross-compiled here with clang and lld (the project's properties
/// for an arm64 RID on an x64 host) and run under qemu-user: the arm64 AMI's binary answers as the x86-64 one does.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class PublishedArm64BinaryTests
{
    private static string _binary = null!;

    /// <summary>qemu finds the aarch64 loader and libc where gcc-aarch64-linux-gnu's libc put them.</summary>
    private static readonly Dictionary<string, string> Qemu = new()
    {
        ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu",
        ["ENCODER_CONFIG"] = "",
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    /// <summary>Published in the background once the end-to-end tests start, after the x64 binary (<see cref="PublishedEncoder"/>).</summary>
    [OneTimeSetUp]
    public async Task PublishForArm64() => _binary = await PublishedEncoder.Arm64PathAsync();

    [Test]
    public async Task It_is_an_aarch64_executable()
    {
        var header = new byte[20];
        await using (var file = File.OpenRead(_binary))
            await file.ReadExactlyAsync(header);

        Assert.That(header[..4], Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
        Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(183), "e_machine EM_AARCH64");
    }

    [Test]
    public async Task Under_qemu_help_exits_0()
    {
        var result = await Tool.RunAsync("qemu-aarch64", [_binary, "--help"], Qemu);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("Usage:\n  encoder [command] [options]"));
    }

    [Test]
    public async Task Under_qemu_a_configuration_error_exits_2_naming_the_key()
    {
        using var folder = DeployFiles.NewTempFolder();

        var result = await Tool.RunAsync("qemu-aarch64", [_binary, "--Encoder:Camera:TimeoutSeconds=0"], Qemu, folder.Path);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.ConfigurationError), result.Output);
        Assert.That(result.Output, Does.Contain("Encoder:Camera:TimeoutSeconds: must be between 1 and 120"));
    }

    [Test]
    public async Task The_arm64_ami_template_validates_with_this_binary()
    {
        var result = await Tool.RunAsync("packer", ["validate", "-var", "arch=arm64", "-var", $"binary={_binary}", "packer/encoder.pkr.hcl"],
            new Dictionary<string, string> { ["CHECKPOINT_DISABLE"] = "1", ["AWS_ACCESS_KEY_ID"] = "", ["AWS_SECRET_ACCESS_KEY"] = "", ["AWS_PROFILE"] = "" },
            RepoPaths.Root);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }
}
