using Encoder.Configuration;

namespace Encoder.Media;

public enum VideoPlan
{
    /// <summary>The camera's H.264 goes through untouched.</summary>
    Copy,

    /// <summary>Re-encoded with libx264 (<c>Video:Preset</c>, <c>Video:BitrateKbps</c>).</summary>
    Transcode,
}

public enum AudioPlan
{
    /// <summary>The camera's audio, whatever its codec, encoded to AAC 48 kHz stereo.</summary>
    Encode,

    /// <summary>The camera sends no audio: a silent AAC track is generated, so the ingest always gets audio.</summary>
    Silent,

    /// <summary>Not known whether the camera sends audio: its first audio stream is encoded if there is one (and nothing added if not).</summary>
    EncodeIfPresent,

    /// <summary>The camera already sends AAC-LC at 48 kHz, mono or stereo: it goes through untouched (no decode, no encode).</summary>
    Copy,
}

/// <summary>How far the operator must be told about the plan: as information, a warning, or an error.</summary>
public enum PlanConcern
{
    None,
    Warning,
    Error,
}

/// <summary>
/// What the recorder does with the camera's streams, decided before it starts (<see cref="Decide"/>): the one place
/// that says when video is copied and when it is transcoded, and what audio the ingest gets.
/// </summary>
/// <param name="Reason">One sentence for the log and the status file, naming the setting when the operator should act.</param>
public sealed record MediaPlan(VideoPlan Video, AudioPlan Audio, PlanConcern Concern, string Reason)
{
    private const string ModeKey = "Encoder:Video:Mode";

    /// <summary>
    /// H.264 is the one video codec every RTMP ingest takes (and Debian's FFmpeg 5.1 has no enhanced RTMP for HEVC);
    /// AAC the one audio codec. So: H.264 is copied unless the operator asked to transcode; anything else (HEVC,
    /// MJPEG …) is transcoded in <c>auto</c>, and in <c>copy</c> is an error the operator must fix (the copy is still
    /// attempted: the operator said so). Audio that is already AAC-LC at 48 kHz, mono or stereo, is copied; any other
    /// is encoded to AAC 48 kHz stereo (cheap, and it evens out the 8 or 16 kHz mono of many cameras); a camera without
    /// audio gets a silent track.
    /// </summary>
    /// <param name="camera">What the camera sends, or null when it could not be probed (and never was).</param>
    public static MediaPlan Decide(CameraStreams? camera, VideoMode mode)
    {
        if (camera is null)
        {
            return mode switch
            {
                VideoMode.Copy => new(VideoPlan.Copy, AudioPlan.EncodeIfPresent, PlanConcern.Warning,
                    $"the camera could not be probed: copying its video as {ModeKey} is copy"),
                VideoMode.Transcode => new(VideoPlan.Transcode, AudioPlan.EncodeIfPresent, PlanConcern.None,
                    $"the camera could not be probed: transcoding as {ModeKey} is transcode"),
                _ => new(VideoPlan.Transcode, AudioPlan.EncodeIfPresent, PlanConcern.Warning,
                    $"the camera could not be probed: transcoding (it works for any codec) until it can be ({ModeKey} is auto)"),
            };
        }

        var audio = camera.AudioCodec is null ? AudioPlan.Silent : CopiesAudio(camera) ? AudioPlan.Copy : AudioPlan.Encode;
        var audioSays = audio switch
        {
            AudioPlan.Silent => "no audio: a silent AAC track is added",
            AudioPlan.Copy => "AAC 48 kHz audio copied",
            _ => $"{camera.AudioCodec} audio encoded to AAC",
        };
        if (IsH264(camera.VideoCodec))
        {
            return mode == VideoMode.Transcode
                ? new(VideoPlan.Transcode, audio, PlanConcern.None, $"transcoding H.264 as {ModeKey} is transcode; {audioSays}")
                : new(VideoPlan.Copy, audio, PlanConcern.None, $"copying H.264; {audioSays}");
        }

        return mode switch
        {
            VideoMode.Transcode => new(VideoPlan.Transcode, audio, PlanConcern.None, $"transcoding {camera.VideoCodec} to H.264 as {ModeKey} is transcode; {audioSays}"),
            VideoMode.Copy => new(VideoPlan.Copy, audio, PlanConcern.Error,
                $"{ModeKey} is copy but the camera sends {camera.VideoCodec}, which FLV (RTMP) cannot carry: no ingest will take the stream. " +
                $"Set {ModeKey}=auto (or transcode), or make the camera send H.264; {audioSays}"),
            _ => new(VideoPlan.Transcode, audio, PlanConcern.Warning,
                $"the camera sends {camera.VideoCodec}, which FLV (RTMP) cannot carry: transcoding to H.264 ({ModeKey} is auto; " +
                $"set it to transcode to make this the plan, or make the camera send H.264 to save the CPU); {audioSays}"),
        };
    }

    /// <summary>AAC-LC at 48 kHz, mono or stereo: what the recorder would make of it anyway. Anything not known to be so is encoded.</summary>
    public static bool CopiesAudio(CameraStreams camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return string.Equals(camera.AudioCodec, "aac", StringComparison.OrdinalIgnoreCase)
               && string.Equals(camera.AudioProfile, "LC", StringComparison.OrdinalIgnoreCase)
               && camera.AudioSampleRate == 48_000
               && camera.AudioChannels is 1 or 2;
    }

    private static bool IsH264(string codec) => string.Equals(codec, "h264", StringComparison.OrdinalIgnoreCase);
}
