using Encoder.Launch;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>The repository's deploy files, and a sample class's user-data as `encoder launch` renders it.</summary>
internal static class DeployFiles
{
    public static string CloudInit(string name) => Path.Combine(RepoPaths.Root, "cloud-init", name);

    public static string Packer(string name) => Path.Combine(RepoPaths.Root, "packer", name);

    public static string Iam(string name) => Path.Combine(RepoPaths.Root, "iam", name);

    public static readonly string[] Units = ["encoder.service", "encoder-hard-stop.timer", "encoder-hard-stop.service", "encoder-recording-disk.service", "encoder-imds-firewall.service", "encoder-cloudwatch-agent.service"];

    /// <summary>The scripts the units run, installed by packer/provision.sh in <see cref="ScriptFolder"/>.</summary>
    public static readonly string[] Scripts = ["encoder-recording-disk", "encoder-poweroff-on-request", "encoder-cloudwatch-agent", "encoder-hard-stop-may-fire"];

    public const string ScriptFolder = "/usr/local/lib/encoder";

    /// <summary>A class whose secrets need escaping in JSON (quote, backslash) and in YAML (colon, hash).</summary>
    public static LaunchRequest SampleClass()
    {
        var parse = LaunchArguments.Parse(
        [
            "--session-id", "yoga-2026-11-23-1800",
            "--camera-url", "rtsp://viewer:p%22w%5C:x@10.0.0.5:554/stream1",
            "--ingest-primary", "rtmp://a.rtmp.example.com/live/primary-key?token=a\"b\\c:#d'e",
            "--ingest-secondary", "rtmp://b.rtmp.example.com/live/backup-key",
            "--ends-at", "2026-11-23T19:00:00Z",
            "--bucket", "studio-recordings",
            "--set", "Encoder:Video:Mode=transcode",
            "--dry-run",
        ],
        new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
        return parse.Request ?? throw new InvalidOperationException(string.Join('\n', parse.Errors));
    }

    /// <summary>A fresh temporary folder, removed by disposing the result.</summary>
    public static TempFolder NewTempFolder() => new(Directory.CreateTempSubdirectory("encoder-deploy-").FullName);
}

internal sealed class TempFolder(string path) : IDisposable
{
    public string Path { get; } = path;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
