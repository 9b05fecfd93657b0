using System.Text.Json;
using Encoder.Launch;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

[Category("Deploy")]
public sealed class UserDataTests
{
    private static string Render(params string[] extra) => UserData.Render(LaunchArguments.Parse(Args(extra), Now).Request!);

    [Test]
    public void It_is_a_cloud_config_that_writes_the_class_configuration_for_the_encoder_group_only()
    {
        var userData = Render();

        Assert.That(userData, Does.StartWith("#cloud-config\n"));
        Assert.That(userData, Does.Contain(
            "  - path: /etc/encoder/encoder.json\n    owner: root:encoder\n    permissions: '0640'\n    content: |\n      {\n"));
    }

    [Test]
    public void The_configuration_is_the_json_the_daemon_reads_with_ssm_references_in_place_of_the_secrets()
    {
        var userData = Render("--set", "Encoder:Video:Mode=transcode", "--ingest-secondary", "rtmp://b.example.com/live/backup-Key9");
        var json = ConfigFile(userData);

        using var document = JsonDocument.Parse(json);
        var encoder = document.RootElement.GetProperty("Encoder");
        Assert.That(encoder.GetProperty("SessionId").GetString(), Is.EqualTo("yoga-2026-11-23-1800"));
        Assert.That(encoder.GetProperty("Camera").GetProperty("Url").GetString(), Is.EqualTo("ssm:/encoder/yoga-2026-11-23-1800/camera-url"));
        Assert.That(encoder.GetProperty("Ingest").GetProperty("Primary").GetString(), Is.EqualTo("ssm:/encoder/yoga-2026-11-23-1800/ingest-primary"));
        Assert.That(encoder.GetProperty("Ingest").GetProperty("Secondary").GetString(), Is.EqualTo("ssm:/encoder/yoga-2026-11-23-1800/ingest-secondary"));
        Assert.That(userData, Does.Not.Contain(CameraPassword).And.Not.Contain(StreamKey).And.Not.Contain("backup-Key9"));
        Assert.That(encoder.GetProperty("Session").GetProperty("EndsAt").GetString(), Is.EqualTo("2026-11-23T19:00:00Z"));
        Assert.That(encoder.GetProperty("Video").GetProperty("Mode").GetString(), Is.EqualTo("transcode"));
    }

    [Test]
    public void The_hard_stop_is_the_class_end_plus_the_limit_as_an_absolute_utc_deadline()
    {
        var userData = Render("--hard-limit", "00:45:00");

        Assert.That(userData, Does.Contain($"  - path: {HardStop.TimerDropInPath}\n"));
        Assert.That(userData, Does.Contain("      [Timer]\n      OnCalendar=2026-11-23 19:45:00 UTC\n"));
    }

    [Test]
    public void The_deadline_is_an_absolute_date_within_the_uptime_cap_of_the_launch_so_no_reboot_extends_it()
    {
        var userData = Render("--hard-limit", "01:00:00");

        var calendar = System.Text.RegularExpressions.Regex.Match(userData, "OnCalendar=(.*) UTC\n").Groups[1].Value;
        var deadline = DateTimeOffset.ParseExact(calendar, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.That(deadline, Is.LessThanOrEqualTo(Now + HardStop.MaxUptime), "the class's deadline is the instance's cap counted from the launch");
        Assert.That(userData, Does.Not.Contain("OnBootSec").And.Not.Contain("OnActiveSec"), "nothing that counts from a boot");
    }

    [Test]
    public void The_hard_stop_is_armed_before_the_daemon_starts()
    {
        var userData = Render();
        var runcmd = userData[userData.IndexOf("runcmd:\n", StringComparison.Ordinal)..];

        Assert.That(runcmd, Is.EqualTo(
            "runcmd:\n" +
            "  - [systemctl, daemon-reload]\n" +
            "  - [systemctl, restart, encoder-hard-stop.timer]\n" +
            "  - [systemctl, enable, --now, encoder.service]\n"));
    }

    [Test]
    public void Rendering_is_deterministic()
    {
        var first = Render();
        var second = Render();

        Assert.That(second, Is.EqualTo(first));
    }

    /// <summary>The JSON between <c>content: |</c> and the next file, de-indented (what YAML's literal block yields).</summary>
    internal static string ConfigFile(string userData)
    {
        var lines = userData.Split('\n');
        var start = Array.FindIndex(lines, l => l == "  - path: /etc/encoder/encoder.json") + 4;
        return string.Join('\n', lines.Skip(start).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal)).Select(l => l[6..]));
    }
}
