using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Media;

/// <summary>
/// What the camera sent when last seen, kept beside the recording (<c>camera.json</c> in the session folder), so a
/// daemon that restarts (a crash, a reboot) starts its recorder at once with the plan for it instead of probing first.
/// </summary>
public sealed class KnownCamera(RecordingLayout layout)
{
    public const string FileName = "camera.json";

    public string Path => System.IO.Path.Combine(layout.SessionDirectory, FileName);

    /// <summary>The streams kept by an earlier run, or null when there is none (or it cannot be read: then the camera is probed as on a first start).</summary>
    public CameraStreams? Load()
    {
        try
        {
            return File.Exists(Path)
                   && JsonSerializer.Deserialize(File.ReadAllBytes(Path), KnownCameraJson.Default.CameraStreams) is { VideoCodec.Length: > 0 } streams
                ? streams
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public Task SaveAsync(CameraStreams streams, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(Path, JsonSerializer.SerializeToUtf8Bytes(streams, KnownCameraJson.Default.CameraStreams), cancellationToken);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CameraStreams))]
internal sealed partial class KnownCameraJson : JsonSerializerContext;
