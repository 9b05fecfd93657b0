using System.Globalization;
using System.Text;
using Encoder.Configuration;
using Encoder.Recording;

namespace Encoder.Ffmpeg;

/// <summary>
/// The FFmpeg command for a class, as an argument list (never a shell string). One FFmpeg pulls the camera once and
/// a tee muxer writes two outputs from the same packets: HLS into the session folder (FFmpeg's working directory) and
/// FLV to the ingest. The ingest output runs behind its own fifo with <c>onfail=ignore</c> and recovery, so an ingest
/// that dies or stalls never stops or gaps the recording.
/// </summary>
public static class FfmpegArguments
{
    public const int AudioSampleRate = 48_000;
    public const string AudioBitrate = "128k";

    /// <param name="options">The validated options.</param>
    /// <param name="continuesRecording">True when a playlist from an earlier run exists: numbering continues and the gap is marked.</param>
    public static IReadOnlyList<string> Build(EncoderOptions options, bool continuesRecording)
    {
        ArgumentNullException.ThrowIfNull(options);
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "repeat+level+info",
            "-progress", "pipe:1", "-stats_period", "1",
            "-rtsp_transport", "tcp",
            "-timeout", Microseconds(options.Camera.TimeoutSeconds),
            "-i", options.Camera.Url,
            "-map", "0:v:0", "-map", "0:a:0?",
        };

        args.AddRange(VideoCodec(options));
        args.AddRange(["-c:a", "aac", "-ar", Invariant(AudioSampleRate), "-ac", "2", "-b:a", AudioBitrate]);
        args.AddRange(["-f", "tee", string.Join('|', HlsOutput(options, continuesRecording), IngestOutput(options.Ingest.Primary))]);
        return args;
    }

    private static IEnumerable<string> VideoCodec(EncoderOptions options) => options.Video.Mode switch
    {
        VideoMode.Copy => ["-c:v", "copy"],
        VideoMode.Transcode =>
        [
            "-c:v", "libx264", "-preset", options.Video.Preset, "-pix_fmt", "yuv420p",
            "-b:v", $"{Invariant(options.Video.BitrateKbps)}k",
            "-maxrate", $"{Invariant(options.Video.BitrateKbps)}k",
            "-bufsize", $"{Invariant(options.Video.BitrateKbps * 2)}k",
            // A keyframe exactly on every segment boundary, whatever the camera's frame rate.
            "-force_key_frames", $"expr:gte(t,n_forced*{Invariant(options.Recording.SegmentSeconds)})",
            "-sc_threshold", "0",
            // FLV needs the codec headers up front; the HLS (MPEG-TS) muxer repeats them on keyframes.
            "-flags", "+global_header",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Video.Mode, "unknown video mode"),
    };

    private static string HlsOutput(EncoderOptions options, bool continuesRecording)
    {
        // append_list continues the numbering of an existing playlist and marks the join with #EXT-X-DISCONTINUITY.
        // (discont_start would also flag the very first segment when FFmpeg rewrites the list: wrong for a VOD.)
        var flags = continuesRecording ? "append_list+temp_file" : "temp_file";
        return "[f=hls" +
               $":hls_time={Invariant(options.Recording.SegmentSeconds)}" +
               ":hls_list_size=0:hls_playlist_type=event" +
               $":hls_flags={flags}" +
               $":hls_segment_filename={RecordingLayout.SegmentFilePattern}]" +
               RecordingLayout.PlaylistFileName;
    }

    private static string IngestOutput(string url) =>
        "[f=flv:onfail=ignore:use_fifo=1:fifo_options=" +
        @"drop_pkts_on_overflow=1\\\:attempt_recovery=1\\\:recovery_wait_time=1\\\:max_recovery_attempts=0" +
        "]" + EscapeTeeTarget(url);

    /// <summary>Escapes what the tee muxer would read as syntax in a slave's target (backslash, quote, '|', leading '[').</summary>
    public static string EscapeTeeTarget(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var escaped = new StringBuilder(target.Length);
        foreach (var c in target)
        {
            if (c is '\\' or '\'' or '|' or '[' or ']')
                escaped.Append('\\');
            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string Microseconds(int seconds) => Invariant(seconds * 1_000_000L);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
