using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Ffmpeg;

/// <summary>
/// FFmpeg commands as argument lists (never a shell string): the <b>egress</b>, one per slot, which reads the relay
/// over TCP and pushes FLV to the ingest (it can fail, stall or be switched to another slot while the recorder goes
/// on), and what every command shares. The recorder's own command is <c>Recorder/RecorderArguments</c>.
/// </summary>
public static class FfmpegArguments
{
    /// <summary>
    /// Info and up, each line tagged with its level. FFmpeg collapses repeated lines ("Last message repeated N times"):
    /// a camera spewing one error cannot flood the log. Info is also the level of the input's dump, from which the
    /// recorder's report of what the camera sends is read (<c>Media/InputDump</c>): never lower it below info.
    /// </summary>
    public const string LogLevel = "level+info";

    /// <summary>
    /// How long an egress analyses the relay's stream before it starts pushing: half a second of the stream. MPEG-TS
    /// has no header, so FFmpeg 5.1 always reads this much, even with every stream's parameters found; it is most of
    /// an egress's start. The relay starts a reader with at least one whole GOP (which carries the codec headers), and
    /// the recorder writes each audio frame at once (<c>pes_payload_size=0</c>), so half a second finds both streams
    /// unless the camera's audio starts that much after its video. Then the first egress fails on its missing audio and
    /// its retry gets the relay's cached GOP, which holds both. Counting frames to estimate the frame rate is off
    /// (<c>-fpsprobesize 0</c>): a copy to FLV does not need it.
    /// </summary>
    public static readonly TimeSpan EgressAnalysis = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Reads the relay at <paramref name="relayOutput"/> (<c>MpegTsRelay.OutputPath</c>, a unix stream socket) and pushes it unchanged as FLV to <paramref name="ingestUrl"/>,
    /// after <see cref="EgressAnalysis"/>.
    /// </summary>
    public static IReadOnlyList<string> Egress(string relayOutput, string ingestUrl, int timeoutSeconds, TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(relayOutput);
        ArgumentNullException.ThrowIfNull(ingestUrl);
        ArgumentNullException.ThrowIfNull(tls);
        return
        [
            "-hide_banner", "-nostats", "-loglevel", LogLevel,
            "-progress", "pipe:1", "-stats_period", "0.5",
            "-analyzeduration", Invariant((long)EgressAnalysis.TotalMicroseconds), "-fpsprobesize", "0",
            "-f", "mpegts",
            "-i", $"unix:{relayOutput}",
            "-map", "0:v:0", "-map", "0:a:0?",
            "-c", "copy",
            "-rw_timeout", Microseconds(timeoutSeconds),
            "-flvflags", "no_duration_filesize",
            .. IngestTls(ingestUrl, tls),
            "-f", "flv", ingestUrl,
        ];
    }

    /// <summary>
    /// The TLS options for an ingest URL, which FFmpeg's rtmps protocol hands to its TLS layer (GnuTLS in Debian's
    /// build): verify the certificate (chain and host name; FFmpeg's default is not to) against the CA file. The file
    /// is named even for the system bundle, because FFmpeg's OpenSSL backend would otherwise trust no CA at all.
    /// Nothing for <c>rtmp://</c>. The camera gets none: FFmpeg 5.1's RTSP passes no options to TLS (it refuses
    /// <c>-tls_verify</c> on an rtsps input), so an <c>rtsps://</c> camera is only allowed with verification off.
    /// </summary>
    public static IReadOnlyList<string> IngestTls(string ingestUrl, TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!StreamUrl.HasScheme(ingestUrl, "rtmps"))
            return [];
        return tls.Verify ? ["-tls_verify", "1", "-ca_file", tls.CaFile] : ["-tls_verify", "0"];
    }

    /// <summary>Seconds as FFmpeg's microsecond options take them.</summary>
    public static string Microseconds(int seconds) => Invariant(seconds * 1_000_000L);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
