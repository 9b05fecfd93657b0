using System.Globalization;
using System.Text.Json;

namespace Encoder.Media;

/// <summary>What the camera sends, as FFmpeg names it: the first video stream and the first audio stream, if any.</summary>
/// <param name="VideoCodec">FFmpeg's codec name: <c>h264</c>, <c>hevc</c>, <c>mjpeg</c> …</param>
/// <param name="AudioCodec">FFmpeg's codec name (<c>aac</c>, <c>pcm_alaw</c> …), or null when the camera sends no audio.</param>
/// <param name="AudioSampleRate">The audio's sample rate in Hz, null when not known.</param>
/// <param name="AudioChannels">The audio's channel count, null when not known.</param>
/// <param name="AudioProfile">The audio codec's profile as FFmpeg names it (<c>LC</c>, <c>HE-AAC</c> for AAC), null when it names none.</param>
public sealed record CameraStreams(
    string VideoCodec,
    int? Width,
    int? Height,
    string? AudioCodec,
    int? AudioSampleRate = null,
    int? AudioChannels = null,
    string? AudioProfile = null)
{
    /// <summary>"hevc 1920x1080 + aac (LC) 48000 Hz 2ch", "mjpeg 640x480, no audio": for logs.</summary>
    public override string ToString() =>
        $"{VideoCodec}{(Width is { } w && Height is { } h ? string.Create(CultureInfo.InvariantCulture, $" {w}x{h}") : "")}"
        + (AudioCodec is not null ? $" + {DescribeAudio()}" : ", no audio");

    /// <summary>"aac (LC) 48000 Hz 2ch", "pcm_alaw", "no audio": for logs.</summary>
    public string DescribeAudio() =>
        AudioCodec is not { } audio
            ? "no audio"
            : audio
              + (AudioProfile is { } profile ? $" ({profile})" : "")
              + (AudioSampleRate is { } rate ? string.Create(CultureInfo.InvariantCulture, $" {rate} Hz") : "")
              + (AudioChannels is { } channels ? string.Create(CultureInfo.InvariantCulture, $" {channels}ch") : "");

    /// <summary>
    /// Reads <c>ffprobe -show_entries stream=codec_type,codec_name,profile,width,height,sample_rate,channels -of json</c>.
    /// Null when there is no video stream (or the text is not ffprobe's JSON): a camera without video is not a camera
    /// this daemon can use.
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

            if (video is not { } v)
                return null;
            return audio is { } a
                ? new CameraStreams(Text(v, "codec_name")!, Number(v, "width"), Number(v, "height"), Text(a, "codec_name"),
                    Number(a, "sample_rate"), Number(a, "channels"), Profile(Text(a, "profile")))
                : new CameraStreams(Text(v, "codec_name")!, Number(v, "width"), Number(v, "height"), null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>ffprobe says "unknown" where FFmpeg's log says nothing.</summary>
    private static string? Profile(string? profile) => profile is "unknown" ? null : profile;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>A positive whole number, as a JSON number or (ffprobe's <c>sample_rate</c>) a string.</summary>
    private static int? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0)
            return number;
        return value.ValueKind == JsonValueKind.String
               && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : null;
    }
}
