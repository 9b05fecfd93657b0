using System.Globalization;

namespace Encoder.Status;

/// <summary>Frames per second and bitrate between two snapshots (pure); null where the two do not tell (the first, a restart).</summary>
public sealed record LiveRates(double? FramesPerSecond, double? BitrateKbps)
{
    public static readonly LiveRates Unknown = new(null, null);

    /// <summary>
    /// Frames from the recorder (what the camera gives); bytes from the active ingest's egress (what goes to the CDN),
    /// else the recorder's. A counter that went back (a new FFmpeg run) tells nothing for this interval.
    /// </summary>
    public static LiveRates Between(StatusSnapshot? previous, StatusSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (previous is null)
            return Unknown;
        var seconds = (current.At - previous.At).TotalSeconds;
        if (seconds <= 0)
            return Unknown;
        var frames = current.Recorder.Frames - previous.Recorder.Frames;
        double? fps = current.Recorder.State == "streaming" && frames >= 0 ? frames / seconds : null;
        var (now, before) = current.ActiveSlot is { } slot && current.Ingest.GetValueOrDefault(slot)?.Bytes is { } sent
            && previous.Ingest.GetValueOrDefault(slot)?.Bytes is { } sentBefore
            ? (sent, sentBefore)
            : (current.Recorder.Bytes ?? 0, previous.Recorder.Bytes ?? 0);
        double? kbps = now > 0 && now >= before ? (now - before) * 8 / 1000.0 / seconds : null;
        return new LiveRates(fps, kbps);
    }
}

/// <summary>
/// The class in one line, for <c>systemctl status</c> (sd_notify <c>STATUS=</c>) and the terminal's live line (pure):
/// where the stream goes, what the recorder does, segments and the uploads pending, the faults so far.
/// <code>on primary | 25.0 fps | 4512 kb/s | 42 segments, 1 upload pending | 1 failover, 0 camera outages</code>
/// </summary>
public static class StatusLine
{
    public static string Format(StatusSnapshot snapshot, LiveRates rates)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(rates);
        var parts = new List<string>
        {
            snapshot.ActiveSlot is { } slot ? $"on {slot}" : snapshot.Ingest.Count > 0 ? "no ingest" : "not streaming",
        };
        if (snapshot.Recorder.State == "streaming")
        {
            parts.Add(rates.FramesPerSecond is { } fps ? string.Create(CultureInfo.InvariantCulture, $"{fps:0.0} fps") : "- fps");
            parts.Add(rates.BitrateKbps is { } kbps ? string.Create(CultureInfo.InvariantCulture, $"{kbps:0} kb/s") : "- kb/s");
        }
        else
        {
            parts.Add($"recorder {snapshot.Recorder.State}");
        }

        var pending = Math.Max(0, snapshot.SegmentsRecorded - snapshot.SegmentsStored);
        parts.Add($"{Count(snapshot.SegmentsRecorded, "segment")}, {Count(pending, "upload")} pending");
        parts.Add($"{Count(snapshot.Failovers, "failover")}, {Count(snapshot.Recorder.Restarts, "camera outage")}");
        return string.Join(" | ", parts);
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
