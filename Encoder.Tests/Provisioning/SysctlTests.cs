using Encoder.Egress;

namespace Encoder.Tests.Provisioning;

/// <summary>cloud-init/encoder-sysctl.conf: the kernel settings the AMI applies at boot (systemd-sysctl's format).</summary>
[Category("Deploy")]
public sealed class SysctlTests
{
    private static Dictionary<string, string> Settings() =>
        File.ReadAllLines(DeployFiles.CloudInit("encoder-sysctl.conf"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith(';'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0].Trim(), pair => pair.Length == 2 ? pair[1].Trim() : "");

    [Test]
    public void Raises_the_receive_buffer_cap_to_what_the_relay_asks_for()
    {
        Assert.That(long.Parse(Settings()["net.core.rmem_max"], System.Globalization.CultureInfo.InvariantCulture),
            Is.GreaterThanOrEqualTo(RelayInput.RequestedReceiveBuffer));
    }

    [Test]
    public void Names_only_settings_this_kernel_has()
    {
        foreach (var key in Settings().Keys)
            Assert.That(File.Exists(Path.Combine("/proc/sys", key.Replace('.', '/'))), Is.True, key);
    }

    [Test]
    public void The_ami_installs_it_where_systemd_sysctl_reads_it_at_boot()
    {
        Assert.That(File.ReadAllText(DeployFiles.Packer("provision.sh")),
            Does.Contain("encoder-sysctl.conf\" /etc/sysctl.d/60-encoder.conf"));
    }
}
