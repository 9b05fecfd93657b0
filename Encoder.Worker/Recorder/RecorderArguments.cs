using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;
using static Encoder.Ffmpeg.FfmpegArguments;

namespace Encoder.Recorder;

/// <summary>
/// The recorder's FFmpeg command (never a shell string). It pulls the camera once and a tee muxer writes the same
/// packets to HLS in the session folder (its working directory) and, as MPEG-TS over loopback UDP, to the daemon's
/// relay. Sending UDP never blocks and nobody has to listen, so nothing an ingest does can stall or gap the recording.
/// </summary>
public static class RecorderArguments
{
    public const int AudioSampleRate = 48_000;
    public const string AudioBitrate = "128k";

    /// <summary>
    /// The recorder's progress period: FFmpeg reports once as it starts (no frame yet) and then every period, so the
    /// first report with frames, which says the camera is recorded again, comes one period after the start. A quarter
    /// second keeps that wait short; the egresses report every half second.
    /// </summary>
    private const string RecorderStatsPeriod = "0.25";

    /// <summary>How long the recorder analyses a camera whose streams are known before it starts: half a second (15 frames at 30 fps).</summary>
    public static readonly TimeSpan KnownCameraAnalysis = TimeSpan.FromMilliseconds(500);

    /// <param name="options">The validated options.</param>
    /// <param name="plan">What to do with the camera's video and audio (<see cref="MediaPlan.Decide"/>).</param>
    /// <param name="continuesRecording">True when a playlist from an earlier run exists: numbering continues and the gap is marked.</param>
    /// <param name="relayPort">The daemon's loopback UDP relay input.</param>
    /// <param name="sourcePort">The port the recorder sends from: the only one the relay accepts datagrams from.</param>
    /// <param name="cameraKnown">
    /// True when the plan rests on streams already known (probed or seen before): FFmpeg then analyses the camera's
    /// streams for <see cref="KnownCameraAnalysis"/> instead of its default 5 s window, which it otherwise fills until
    /// it has 20 frames to estimate the frame rate; over RTSP the codecs' parameters come with the session (SDP) anyway.
    /// </param>
    public static IReadOnlyList<string> For(EncoderOptions options, MediaPlan plan, bool continuesRecording, int relayPort, int sourcePort, bool cameraKnown = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", FfmpegArguments.LogLevel,
            "-progress", "pipe:1", "-stats_period", RecorderStatsPeriod,
            "-rtsp_transport", "tcp",
            "-timeout", Microseconds(options.Camera.TimeoutSeconds),
        };
        if (cameraKnown)
            args.AddRange(["-analyzeduration", Invariant((long)KnownCameraAnalysis.TotalMicroseconds)]);
        args.AddRange(["-i", options.Camera.Url]);
        if (plan.Audio == AudioPlan.Silent)
            args.AddRange(["-f", "lavfi", "-i", SilentAudio]);
        args.AddRange(["-map", "0:v:0", "-map", plan.Audio switch
        {
            AudioPlan.Encode or AudioPlan.Copy => "0:a:0",
            AudioPlan.Silent => "1:a:0",
            _ => "0:a:0?",
        }]);

        args.AddRange(VideoCodec(plan.Video, options.Video, options.Recording.SegmentSeconds));
        args.AddRange(plan.Audio == AudioPlan.Copy ? ["-c:a", "copy"] : ["-c:a", "aac", "-ar", Invariant(AudioSampleRate), "-ac", "2", "-b:a", AudioBitrate]);
        args.AddRange(["-f", "tee", $"{HlsOutput(options, continuesRecording)}|{RelayOutput(relayPort, sourcePort)}"]);
        return args;
    }

    /// <summary>A silent stereo track at the output's rate, for a camera without audio: the ingest always gets audio. FFmpeg reads it only as far as the video has gone.</summary>
    private static readonly string SilentAudio = $"anullsrc=channel_layout=stereo:sample_rate={Invariant(AudioSampleRate)}";

    private static IEnumerable<string> VideoCodec(VideoPlan plan, VideoOptions video, int segmentSeconds) => plan switch
    {
        VideoPlan.Copy => ["-c:v", "copy"],
        VideoPlan.Transcode =>
        [
            "-c:v", "libx264", "-preset", video.Preset, "-pix_fmt", "yuv420p",
            "-b:v", $"{Invariant(video.BitrateKbps)}k",
            "-maxrate", $"{Invariant(video.BitrateKbps)}k",
            "-bufsize", $"{Invariant(video.BitrateKbps * 2)}k",
            // A keyframe exactly on every segment boundary, whatever the camera's frame rate.
            "-force_key_frames", $"expr:gte(t,n_forced*{Invariant(segmentSeconds)})",
            "-sc_threshold", "0",
            // FLV needs the codec headers up front; the HLS (MPEG-TS) muxer repeats them on keyframes.
            "-flags", "+global_header",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "unknown video plan"),
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

    /// <summary>
    /// The relay's copy: MPEG-TS in full datagrams (<c>flush_packets=0</c>: FFmpeg otherwise sends at every frame; see
    /// <see cref="MpegTsRelay.DatagramPackets"/>), each audio frame in a PES of its own (<c>pes_payload_size=0</c>: the
    /// muxer otherwise gathers 2,930 bytes, up to 0.7 s of a thin audio track, which an egress's analysis would wait for).
    /// </summary>
    private static string RelayOutput(int port, int sourcePort) =>
        $"[f=mpegts:onfail=ignore:flush_packets=0:pes_payload_size=0]udp://127.0.0.1:{Invariant(port)}?pkt_size={Invariant(MpegTsRelay.DatagramBytes)}&localaddr=127.0.0.1&localport={Invariant(sourcePort)}";
}
