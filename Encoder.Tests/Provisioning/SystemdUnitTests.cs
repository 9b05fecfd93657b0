using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Launch;
using Encoder.Lifecycle;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// The units as the AMI installs them, checked by `systemd-analyze verify --root`: a temporary root holds the host's
/// system units, ours in /etc/systemd/system with a class's hard-stop drop-in, and the published binary at the path
/// ExecStart names (verify resolves it inside the root). No systemd needs to run as PID 1.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class SystemdUnitTests
{
    [Test]
    public async Task The_units_with_the_published_binary_in_place_verify_without_a_word()
    {
        using var root = await ImageRootAsync(withBinary: true);

        var result = await VerifyAsync(root);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task Verify_notices_when_the_binary_the_unit_names_is_missing()
    {
        using var root = await ImageRootAsync(withBinary: false);

        var result = await VerifyAsync(root);

        Assert.That(result.Output, Does.Contain("/usr/local/bin/encoder is not executable"));
    }

    [Test]
    public async Task The_daemon_s_exposure_stays_at_2_or_below_on_systemd_s_own_scale()
    {
        using var root = await ImageRootAsync(withBinary: true);

        // 0 is fully sandboxed, 10 fully exposed; the threshold is in tenths.
        var result = await Tool.RunAsync("systemd-analyze", ["security", "--offline=yes", "--threshold=20", $"--root={root.Path}", "encoder.service"], NoColor);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public void Systemd_lets_the_daemon_finish_its_own_stop_before_killing_it()
    {
        var stopTimeout = TimeSpan.FromSeconds(int.Parse(Setting("encoder.service", "TimeoutStopSec").TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(stopTimeout, Is.GreaterThan(new EncoderOptions().ShutdownTimeout));
        Assert.That(Setting("encoder.service", "KillMode"), Is.EqualTo("mixed"), "SIGTERM to the daemon only, not to FFmpeg");
    }

    [Test]
    public void Only_crashes_restart_not_a_bad_configuration_pending_uploads_a_failed_termination_or_a_poweroff_request()
    {
        Assert.That(Setting("encoder.service", "Restart"), Is.EqualTo("on-failure"));
        Assert.That(Setting("encoder.service", "RestartPreventExitStatus").Split(' '), Is.EquivalentTo(new[]
        {
            ExitCodes.ConfigurationError.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExitCodes.UploadsPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExitCodes.TerminationFailed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExitCodes.PowerOffRequested.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
    }

    [Test]
    public void Restarts_never_run_out_before_the_hard_stop_however_often_the_daemon_fails()
    {
        var unit = UnitRestartSettings.Read(DeployFiles.CloudInit("encoder.service"));

        // Starts every RestartSec must stay within StartLimitBurst per StartLimitIntervalSec (0: no limit).
        Assert.That(unit.StartLimitInterval == TimeSpan.Zero || unit.StartLimitInterval / unit.RestartSec < unit.StartLimitBurst, Is.True,
            $"StartLimitIntervalSec={unit.StartLimitInterval} StartLimitBurst={unit.StartLimitBurst} RestartSec={unit.RestartSec}");
        Assert.That(unit.RestartPreventExitStatus, Does.Not.Contain(ExitCodes.AlreadyRunning), "a start refused by a daemon run by hand takes over when that one stops");
        Assert.That(unit.Restarts(new UnitEnd(ExitCodes.Failure, TimedOut: false, TimeSpan.Zero, "")), Is.True);
    }

    [Test]
    public void The_daemon_starts_after_its_recordings_disk_is_set_up_and_its_exit_code_5_is_turned_into_a_poweroff_by_root()
    {
        Assert.That(Setting("encoder.service", "After").Split(' '), Does.Contain("encoder-recording-disk.service"));
        Assert.That(Setting("encoder.service", "Wants").Split(' '), Does.Contain("encoder-recording-disk.service"));
        Assert.That(Setting("encoder-recording-disk.service", "ExecStart"), Does.StartWith($"{DeployFiles.ScriptFolder}/encoder-recording-disk {new EncoderOptions().Recording.Directory} encoder:encoder"));
        Assert.That(Setting("encoder.service", "ExecStopPost"), Is.EqualTo($"+{DeployFiles.ScriptFolder}/encoder-poweroff-on-request"), "+: as root, outside the sandbox");
    }

    [Test]
    public void The_daemon_stops_before_the_CloudWatch_agent_itself_so_its_last_lines_leave_the_box()
    {
        // At poweroff systemd stops units in the reverse of their start order: after= the agent means stopped before it.
        Assert.That(Setting("encoder.service", "After").Split(' '), Does.Contain("amazon-cloudwatch-agent.service"));
        // Ordering only: a machine without the agent (a laptop, this test machine) still starts the daemon.
        foreach (var requirement in new[] { "Wants", "Requires", "Requisite", "BindsTo", "PartOf", "Upholds" })
        {
            var lines = Regex.Matches(File.ReadAllText(DeployFiles.CloudInit("encoder.service")), $"^{requirement}=(.*)$", RegexOptions.Multiline);
            Assert.That(lines.SelectMany(l => l.Groups[1].Value.Split(' ')), Does.Not.Contain("amazon-cloudwatch-agent.service"), requirement);
        }
    }

    [Test]
    public void Neither_the_daemon_nor_the_FFmpeg_it_starts_may_dump_core() =>
        Assert.That(Setting("encoder.service", "LimitCORE"), Is.EqualTo("0"), "a core holds the camera password and the stream keys");

    [Test]
    public void The_baked_uptime_cap_is_the_one_the_launcher_enforces() =>
        Assert.That(Setting("encoder-hard-stop.timer", "OnBootSec"), Is.EqualTo($"{HardStop.MaxUptime.TotalHours:0}h"));

    [Test]
    public void The_hard_stop_leaves_its_marker_where_the_daemon_looks_for_it_before_it_powers_off()
    {
        var runtimeDirectory = "/run/" + Setting("encoder.service", "RuntimeDirectory");
        var daemonLooksAt = ClassEndMarkers.HardStopPath(name => name == ClassEndMarkers.RuntimeDirectoryVariable ? runtimeDirectory : null);

        Assert.That(Setting("encoder-hard-stop.service", "ExecStartPre"), Does.StartWith("-").And.EndWith($" /usr/bin/touch {daemonLooksAt}"),
            "best effort ('-'): the poweroff must run even when no daemon is there");
        Assert.That(Setting("encoder-hard-stop.service", "ExecStart"), Does.EndWith("poweroff"), "the marker first, then the poweroff's SIGTERM");
    }

    private static string Setting(string unit, string key)
    {
        var match = Regex.Match(File.ReadAllText(DeployFiles.CloudInit(unit)), $"^{key}=(.*)$", RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"{unit} has no {key}=");
        return match.Groups[1].Value.Trim();
    }

    private static Task<ToolResult> VerifyAsync(TempFolder root) =>
        Tool.RunAsync("systemd-analyze", ["verify", $"--root={root.Path}", .. DeployFiles.Units], NoColor);

    private static readonly Dictionary<string, string> NoColor = new() { ["SYSTEMD_COLORS"] = "0", ["SYSTEMD_LOG_COLOR"] = "0" };

    private static async Task<TempFolder> ImageRootAsync(bool withBinary)
    {
        var root = DeployFiles.NewTempFolder();
        try
        {
            await FillImageRootAsync(root, withBinary);
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    private static async Task FillImageRootAsync(TempFolder root, bool withBinary)
    {
        var systemUnits = Directory.Exists("/usr/lib/systemd/system") ? "/usr/lib/systemd/system" : "/lib/systemd/system";
        CopyFolder(systemUnits, root.File("usr/lib/systemd/system"));
        var etc = Directory.CreateDirectory(root.File("etc/systemd/system/encoder-hard-stop.timer.d")).Parent!.FullName;
        foreach (var unit in DeployFiles.Units)
            File.Copy(DeployFiles.CloudInit(unit), Path.Combine(etc, unit));
        var request = DeployFiles.SampleClass();
        await File.WriteAllTextAsync(root.File(HardStop.TimerDropInPath.TrimStart('/')), HardStop.TimerDropIn(request.EndsAt, request.HardStopAt));
        var scripts = Directory.CreateDirectory(root.File(DeployFiles.ScriptFolder.TrimStart('/'))).FullName;
        foreach (var script in DeployFiles.Scripts)
            File.Copy(DeployFiles.CloudInit(script), Path.Combine(scripts, script));
        Directory.CreateDirectory(root.File("usr/bin"));
        File.Copy("/usr/bin/systemctl", root.File("usr/bin/systemctl"));
        File.Copy("/usr/bin/touch", root.File("usr/bin/touch"));
        File.Copy("/usr/bin/setpriv", root.File("usr/bin/setpriv"));
        Directory.CreateDirectory(root.File("usr/sbin"));
        File.Copy("/usr/sbin/nft", root.File("usr/sbin/nft"));
        if (withBinary)
        {
            Directory.CreateDirectory(root.File("usr/local/bin"));
            File.Copy(await PublishedEncoder.PathAsync(), root.File("usr/local/bin/encoder"));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo directory)
                CopyFolder(directory.FullName, target);
            else
                File.Copy(entry.FullName, target);
        }
    }
}
