using System.Text;

namespace Encoder.Launch;

/// <summary>Renders the <c>#cloud-config</c> user-data that turns a booted Encoder AMI into one class's encoder.</summary>
public static class UserData
{
    /// <summary>EC2's limit on user-data, before base64.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>
    /// Writes <c>/etc/encoder/encoder.json</c> (0640 root:encoder; the secret settings are <c>ssm:</c> references that the
    /// daemon resolves at start, see <see cref="ClassSecrets"/>) and the hard-stop drop-in, then
    /// re-arms the hard-stop timer before it starts the daemon, so the deadline holds from before the first frame.
    /// </summary>
    public static string Render(LaunchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = new StringBuilder();
        text.Append("#cloud-config\n");
        text.Append($"# Encoder class {request.SessionId}, rendered by `encoder launch`. It ends at {HardStop.Iso(request.EndsAt)};\n");
        text.Append($"# the instance powers off (and terminates) at {HardStop.Iso(request.HardStopAt)} at the latest.\n");
        text.Append("# Holds no secret: the camera and ingest URLs are ssm:/encoder/... references the daemon resolves at start.\n");
        text.Append("write_files:\n");
        AppendFile(text, "/etc/encoder/encoder.json", "root:encoder", "0640", ClassConfigJson.Render(request.ClassSettings) + "\n");
        AppendFile(text, HardStop.TimerDropInPath, "root:root", "0644", HardStop.TimerDropIn(request.EndsAt, request.HardStopAt));
        text.Append("runcmd:\n");
        text.Append("  - [systemctl, daemon-reload]\n");
        text.Append("  - [systemctl, restart, encoder-hard-stop.timer]\n");
        text.Append("  - [systemctl, enable, --now, encoder.service]\n");
        return text.ToString();
    }

    private static void AppendFile(StringBuilder text, string path, string owner, string permissions, string content)
    {
        text.Append($"  - path: {path}\n");
        text.Append($"    owner: {owner}\n");
        text.Append($"    permissions: '{permissions}'\n");
        text.Append("    content: |\n");
        foreach (var line in content.TrimEnd('\n').Split('\n'))
            text.Append(line.Length == 0 ? "\n" : $"      {line}\n");
    }
}
