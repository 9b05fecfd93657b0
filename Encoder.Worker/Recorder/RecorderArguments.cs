using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;
using static Encoder.Ffmpeg.FfmpegArguments;

namespace Encoder.Recorder;

/// <summary>
/// The recorder's FFmpeg command (never a shell string). It pulls the camera once and a tee muxer writes the same
/// packets to HLS in the session folder (its working directory) and, as MPEG-TS over a unix stream socket that only the
/// daemon's processes can open, to the daemon's relay (<c>Egress/RelaySockets</c>). The relay never waits for an ingest,
/// so nothing an ingest does can stall or gap the recording; a relay that stops reading holds the recorder back for at
/// most <see cref="RelayWriteTimeout"/>, after which the recorder drops the relay's copy and records on.
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
    /// <param name="relayInput">The relay's input socket (<c>MpegTsRelay.InputPath</c>).</param>
    /// <param name="cameraKnown">
    /// True when the plan rests on streams already known (probed or seen before): FFmpeg then analyses the camera's
    /// streams for <see cref="KnownCameraAnalysis"/> instead of its default 5 s window, which it otherwise fills until
    /// it has 20 frames to estimate the frame rate; over RTSP the codecs' parameters come with the session (SDP) anyway.
    /// </param>
    public static IReadOnlyList<string> For(EncoderOptions options, MediaPlan plan, bool continuesRecording, string relayInput, bool cameraKnown = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(relayInput);
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
        args.AddRange(["-f", "tee", $"{HlsOutput(options, continuesRecording)}|{RelayOutput(relayInput, RelayWriteTimeout(options.Ffmpeg))}"]);
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
    /// How long the recorder waits on a relay that does not read (its socket's buffer full) before it gives up the
    /// relay's copy for the rest of the run (<c>rw_timeout</c>; <c>onfail=ignore</c> keeps the recording going), and on
    /// a connection the relay does not accept (<c>timeout</c>): 2 s, or half of <c>Ffmpeg:StallSeconds</c> when that is
    /// less, so such a wait never makes the recorder look stalled. A relay that keeps up never gets near it: it reads on
    /// a thread of its own, and the socket's buffer holds a fraction of a second more.
    /// </summary>
    public static TimeSpan RelayWriteTimeout(FfmpegOptions ffmpeg)
    {
        ArgumentNullException.ThrowIfNull(ffmpeg);
        return TimeSpan.FromMilliseconds(Math.Min(2_000, Math.Floor(ffmpeg.StallSeconds * 500)));
    }

    /// <summary>
    /// The relay's copy: MPEG-TS written in full 32 KiB buffers (<c>flush_packets=0</c>: FFmpeg otherwise writes at every
    /// frame; see <see cref="MpegTsRelay.DatagramPackets"/>), each audio frame in a PES of its own
    /// (<c>pes_payload_size=0</c>: the muxer otherwise gathers 2,930 bytes, up to 0.7 s of a thin audio track, which an
    /// egress's analysis would wait for).
    /// </summary>
    private static string RelayOutput(string relayInput, TimeSpan timeout) =>
        "[f=mpegts:onfail=ignore:flush_packets=0:pes_payload_size=0" +
        $":rw_timeout={Invariant((long)timeout.TotalMicroseconds)}:timeout={Invariant((long)timeout.TotalMilliseconds)}]" +
        $"unix:{relayInput}";
}
