using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Launch;
using Encoder.Lifecycle;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// encoder-hard-stop.service as it runs: its decision (cloud-init/encoder-hard-stop-may-fire, its ExecCondition) with
/// the inputs a boot gives it, and its marker written as the unit says, with a link planted where the marker goes.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
public sealed class HardStopServiceTests
{
    private static readonly DateTimeOffset EndsAt = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Deadline = EndsAt + HardStop.DefaultLimit;

    // uploads kept, this boot began (relative to the class's deadline), now (relative to this boot) → powers off
    [TestCase(false, -2.0, 2.0, true, TestName = "Nothing kept: the deadline reached while up powers off")]
    [TestCase(false, 1.0, 0.01, true, TestName = "Nothing kept: a deadline missed while down powers off at boot")]
    [TestCase(true, -2.0, 2.0, true, TestName = "Kept: the deadline reached while up powers off as launched, the root volume is kept")]
    [TestCase(true, -0.2, 0.2, true, TestName = "Kept and rebooted before the deadline: the deadline still powers off")]
    [TestCase(true, 1.0, 0.01, false, TestName = "Kept and booted after the deadline: the boot does not power off")]
    [TestCase(true, 30.0, 11.9, false, TestName = "Kept and booted after the deadline: held through the boot's uptime cap")]
    [TestCase(true, 1.0, 12.0, true, TestName = "Kept and booted after the deadline: the boot's uptime cap ends the hold")]
    public async Task The_hard_stop_holds_only_a_kept_instance_booted_after_its_deadline(bool kept, double bootedHoursAfterDeadline, double uptimeHours, bool powersOff)
    {
        using var folder = DeployFiles.NewTempFolder();
        var booted = Deadline.AddHours(bootedHoursAfterDeadline);
        var result = await MayFireAsync(folder, kept, dropIn: true, booted, booted.AddHours(uptimeHours));

        Assert.That(result.ExitCode, Is.EqualTo(powersOff ? 0 : 1), result.Output);
    }

    [Test]
    public async Task Without_the_class_s_deadline_the_hard_stop_powers_off()
    {
        using var folder = DeployFiles.NewTempFolder();
        var booted = Deadline.AddHours(1);

        var result = await MayFireAsync(folder, kept: true, dropIn: false, booted, booted.AddMinutes(1));

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    [Test]
    public async Task A_hold_says_why_and_how_the_operator_ends_it()
    {
        using var folder = DeployFiles.NewTempFolder();
        var booted = Deadline.AddHours(1);

        var result = await MayFireAsync(folder, kept: true, dropIn: true, booted, booted.AddMinutes(1));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain(PendingUploadsKeeper.MarkerFileName).And.Contain("systemctl stop encoder-hard-stop.timer"));
    }

    [Test]
    public void At_a_boot_the_decision_looks_for_kept_uploads_only_once_the_recordings_disk_is_mounted()
    {
        Assert.That(Setting("encoder-hard-stop.service", "After").Split(' '), Does.Contain("encoder-recording-disk.service"));
        Assert.That(File.ReadAllText(DeployFiles.CloudInit("encoder-hard-stop.service")), Does.Not.Match("(?m)^(Requires|BindsTo|Requisite)="),
            "ordering only: a failed disk setup must not cancel the poweroff");
    }

    [Test]
    public void The_decision_s_uptime_cap_is_the_baked_one() =>
        Assert.That(File.ReadAllText(DeployFiles.CloudInit("encoder-hard-stop-may-fire")),
            Does.Contain($"\ncap_seconds={HardStop.MaxUptime.TotalSeconds.ToString(CultureInfo.InvariantCulture)}\n"));

    [Test]
    public void The_service_asks_the_decision_about_the_daemon_s_recordings_and_the_class_s_deadline_first()
    {
        var recordings = new EncoderOptions().Recording.Directory;

        Assert.That(Setting("encoder-hard-stop.service", "ExecCondition"),
            Is.EqualTo($"{DeployFiles.ScriptFolder}/encoder-hard-stop-may-fire {recordings} {HardStop.TimerDropInPath}"));
        Assert.That(Setting("encoder-hard-stop.timer", "Persistent"), Is.EqualTo("true"), "a deadline missed while down still fires at the next boot");
    }

    // encoder-hard-stop.service runs as root; /run/encoder is the daemon's (RuntimeDirectory=), so its user can plant a link there.
    [Test]
    public async Task A_link_planted_where_the_marker_goes_leaves_the_file_it_points_to_untouched()
    {
        using var folder = DeployFiles.NewTempFolder();
        var (runtime, run) = await MarkerCommandAsync(folder);
        var outside = Directory.CreateDirectory(folder.File("etc")).FullName;
        await Tool.RunAsync("chmod", ["0755", outside]);
        var target = Path.Combine(outside, "nologin");
        await File.WriteAllTextAsync(target, "original\n");
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(target, old);
        old = File.GetLastWriteTimeUtc(target); // as stat reads it (faketime shifts it)
        var marker = Path.Combine(runtime, ClassEndMarkers.HardStopFileName);
        File.CreateSymbolicLink(marker, target);

        var result = await run();

        Assert.That(await File.ReadAllTextAsync(target), Is.EqualTo("original\n"), result.Output);
        Assert.That(File.GetLastWriteTimeUtc(target), Is.EqualTo(old), "written through the link");
    }

    [Test]
    public async Task A_dangling_link_planted_where_the_marker_goes_creates_nothing_where_it_points()
    {
        using var folder = DeployFiles.NewTempFolder();
        var (runtime, run) = await MarkerCommandAsync(folder);
        var outside = Directory.CreateDirectory(folder.File("etc-sudoers.d")).FullName;
        await Tool.RunAsync("chmod", ["0755", outside]);
        var dangling = Path.Combine(outside, "encoder");
        File.CreateSymbolicLink(Path.Combine(runtime, ClassEndMarkers.HardStopFileName), dangling);

        var result = await run();

        Assert.That(File.Exists(dangling), Is.False, result.Output);
    }

    [Test]
    public async Task With_nothing_planted_the_marker_the_daemon_reads_is_written()
    {
        using var folder = DeployFiles.NewTempFolder();
        var (runtime, run) = await MarkerCommandAsync(folder);

        var result = await run();

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(ClassEndMarkers.HardStopFired(name => name == ClassEndMarkers.RuntimeDirectoryVariable ? runtime : null), Is.True);
    }

    /// <summary>
    /// The unit's ExecStartPre as root runs it (the unit has no User=), on a stand-in for /run/encoder owned by the daemon's
    /// user. This machine has no encoder user: nobody stands in for it.
    /// </summary>
    private static async Task<(string Runtime, Func<Task<ToolResult>> Run)> MarkerCommandAsync(TempFolder folder)
    {
        var daemonUser = Setting("encoder.service", "User");
        var unitUser = Setting("encoder-hard-stop.service", "User", orElse: "root");
        var standIn = await Tool.RunAsync("id", ["-u", daemonUser]) is { ExitCode: 0 } ? (daemonUser, daemonUser) : ("nobody", "nogroup");
        await Tool.RunAsync("chmod", ["0755", folder.Path]);
        var runtime = Directory.CreateDirectory(folder.File("run-encoder")).FullName;
        await Tool.RunAsync("chown", [$"{standIn.Item1}:{standIn.Item2}", runtime]);
        var command = Setting("encoder-hard-stop.service", "ExecStartPre").TrimStart('-')
            .Replace("/run/encoder", runtime, StringComparison.Ordinal)
            .Replace($"--reuid={daemonUser}", $"--reuid={standIn.Item1}", StringComparison.Ordinal)
            .Replace($"--regid={daemonUser}", $"--regid={standIn.Item2}", StringComparison.Ordinal)
            .Split(' ');
        Assert.That(command[0], Does.Not.StartWith("+").And.Not.StartWith("!"), "no elevated prefix");
        return (runtime, () => unitUser == "root"
            ? Tool.RunAsync(command[0], command[1..])
            : Tool.RunAsync("setpriv", [$"--reuid={unitUser}", $"--regid={unitUser}", "--clear-groups", "--", .. command]));
    }

    private static async Task<ToolResult> MayFireAsync(TempFolder folder, bool kept, bool dropIn, DateTimeOffset booted, DateTimeOffset now)
    {
        var recordings = Directory.CreateDirectory(folder.File("recordings")).FullName;
        var session = Directory.CreateDirectory(Path.Combine(recordings, "yoga-1800")).FullName;
        if (kept)
            await File.WriteAllTextAsync(Path.Combine(session, PendingUploadsKeeper.MarkerFileName), "{}\n");
        var conf = folder.File("class.conf");
        if (dropIn)
            await File.WriteAllTextAsync(conf, HardStop.TimerDropIn(EndsAt, Deadline));
        return await Tool.RunAsync(DeployFiles.CloudInit("encoder-hard-stop-may-fire"), [recordings, conf], new Dictionary<string, string>
        {
            ["ENCODER_NOW"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["ENCODER_BOOTED_AT"] = booted.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        });
    }

    private static string Setting(string unit, string key, string? orElse = null)
    {
        var match = Regex.Match(File.ReadAllText(DeployFiles.CloudInit(unit)), $"^{key}=(.*)$", RegexOptions.Multiline);
        if (!match.Success && orElse is not null)
            return orElse;
        Assert.That(match.Success, Is.True, $"{unit} has no {key}=");
        return match.Groups[1].Value.Trim();
    }
}
