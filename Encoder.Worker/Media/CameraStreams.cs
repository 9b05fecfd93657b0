using System.Globalization;
using System.Text.Json;

namespace Encoder.Media;

/// <summary>What the camera sends, as ffprobe names it: the first video stream and the first audio stream, if any.</summary>
/// <param name="VideoCodec">FFmpeg's codec name: <c>h264</c>, <c>hevc</c>, <c>mjpeg</c> …</param>
/// <param name="AudioCodec">FFmpeg's codec name (<c>aac</c>, <c>pcm_alaw</c> …), or null when the camera sends no audio.</param>
public sealed record CameraStreams(string VideoCodec, int? Width, int? Height, string? AudioCodec)
{
    /// <summary>"hevc 1920x1080 + aac", "mjpeg 640x480, no audio": for logs.</summary>
    public override string ToString() =>
        $"{VideoCodec}{(Width is { } w && Height is { } h ? string.Create(CultureInfo.InvariantCulture, $" {w}x{h}") : "")}"
        + (AudioCodec is { } audio ? $" + {audio}" : ", no audio");

    /// <summary>
    /// Reads <c>ffprobe -show_entries stream=codec_type,codec_name,width,height -of json</c>. Null when there is no
    /// video stream (or the text is not ffprobe's JSON): a camera without video is not a camera this daemon can use.
    /// </summary>
    public static CameraStreams? FromFfprobeJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
                return null;
            JsonElement? video = null, audio = null;
            foreach (var stream in streams.EnumerateArray())
            {
                var type = Text(stream, "codec_type");
                if (type == "video" && video is null && Text(stream, "codec_name") is not null)
                    video = stream;
                else if (type == "audio" && audio is null && Text(stream, "codec_name") is not null)
                    audio = stream;
            }

            return video is { } v
                ? new CameraStreams(Text(v, "codec_name")!, Number(v, "width"), Number(v, "height"), audio is { } a ? Text(a, "codec_name") : null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0 ? number : null;
}
