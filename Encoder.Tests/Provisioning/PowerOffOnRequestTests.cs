using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// cloud-init/encoder-poweroff-on-request, encoder.service's ExecStopPost, with the variables systemd gives it and a
/// stand-in systemctl on PATH that records what it was asked.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class PowerOffOnRequestTests
{
    // EXIT_CODE, EXIT_STATUS as systemd sets them after the daemon's exit → what systemctl is asked
    [TestCase("exited", "5", "--no-block poweroff")]
    [TestCase("exited", "0", "")]
    [TestCase("exited", "1", "")]
    [TestCase("exited", "3", "")]
    [TestCase("exited", "4", "")]
    [TestCase("killed", "TERM", "")]
    [TestCase("dumped", "ABRT", "")]
    [TestCase("", "", "")]
    public async Task Only_exit_code_5_powers_the_instance_off(string exitCode, string exitStatus, string asked)
    {
        using var folder = DeployFiles.NewTempFolder();
        var record = folder.File("systemctl-args");
        var systemctl = folder.File("systemctl");
        await File.WriteAllTextAsync(systemctl, $"#!/bin/sh\necho \"$*\" > {record}\n");
        await Tool.RunAsync("chmod", ["0755", systemctl]);

        var result = await Tool.RunAsync(DeployFiles.CloudInit("encoder-poweroff-on-request"), [], new Dictionary<string, string>
        {
            ["EXIT_CODE"] = exitCode,
            ["EXIT_STATUS"] = exitStatus,
            ["PATH"] = $"{folder.Path}:/usr/bin:/bin",
        });

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(File.Exists(record) ? File.ReadAllText(record).Trim() : "", Is.EqualTo(asked));
    }
}
