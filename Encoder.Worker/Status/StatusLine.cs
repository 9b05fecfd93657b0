using System.Globalization;

namespace Encoder.Status;

/// <summary>The recorder's frames per second and bitrate (<see cref="Events.StreamRates"/>, the one definition the metrics share); null where not measured yet.</summary>
public sealed record LiveRates(double? FramesPerSecond, double? BitrateKbps)
{
    public static readonly LiveRates Unknown = new(null, null);
}

/// <summary>
/// The class in one line, for <c>systemctl status</c> (sd_notify <c>STATUS=</c>) and the terminal's live line (pure):
/// where the stream goes, what the recorder does, segments and the uploads pending, the faults so far, and a content
/// condition going on (the content watch's), last.
/// <code>on primary | 25.0 fps | 4512 kb/s | 42 segments, 1 upload pending | 1 failover, 0 camera outages | sound silent for 14s | playback stale for 16s</code>
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
        if (snapshot.Content is { } content && Conditions(content) is { Length: > 0 } conditions)
            parts.Add(conditions);
        if (snapshot.Playback is { State: "stale" } playback)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"playback stale for {playback.StaleSeconds:0}s"));
        return string.Join(" | ", parts);
    }

    /// <summary>The content conditions going on, e.g. <c>picture black for 12s, sound silent for 14s</c>; empty when none.</summary>
    private static string Conditions(ContentSnapshot content) => string.Join(", ",
        new[] { ("picture black", content.Black), ("picture frozen", content.Frozen), ("sound silent", content.Silent) }
            .Where(c => c.Item2.Active)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Item1} for {c.Item2.Seconds:0}s")));

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
