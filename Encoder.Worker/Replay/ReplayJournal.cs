using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Storage;

namespace Encoder.Replay;

/// <summary>
/// One line of the replay's journal (<see cref="ReplayJournal.FileName"/>): the replay's progress as it is made, so that a
/// daemon killed or restarted mid-class goes on with the same MP4 instead of losing it. Exactly one field is set:
/// the multipart upload begun, a segment taken in (its media's description, which the index needs at the end), a part
/// stored, the MP4 completed, or the replay given up.
/// </summary>
public sealed record ReplayJournalLine
{
    public string? Upload { get; init; }

    public JournaledSegment? Segment { get; init; }

    public StoredPart? Part { get; init; }

    public ReplayObject? Completed { get; init; }

    public string? GaveUp { get; init; }
}

/// <summary>A segment taken in: its name, its place on the VOD (its <c>EXTINF</c>) and its media (<see cref="SegmentMedia"/>, packets packed as text).</summary>
public sealed record JournaledSegment(string Uri, double Seconds, long MediaLength, IReadOnlyList<ReplayTrack> Tracks, string Packets)
{
    /// <summary>The media as the timeline takes it: packets' offsets are within the segment's media (<see cref="SegmentMedia.MediaStart"/> is 0).</summary>
    public SegmentMedia? Media()
    {
        var packets = new List<SegmentPacket>();
        foreach (var packed in Packets.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = packed.Split(',');
            if (f.Length != 7 || !int.TryParse(f[0], CultureInfo.InvariantCulture, out var track) || !long.TryParse(f[1], CultureInfo.InvariantCulture, out var dts)
                || !long.TryParse(f[2], CultureInfo.InvariantCulture, out var duration) || !int.TryParse(f[3], CultureInfo.InvariantCulture, out var composition)
                || !int.TryParse(f[4], CultureInfo.InvariantCulture, out var size) || !long.TryParse(f[5], CultureInfo.InvariantCulture, out var offset)
                || track < 0 || track >= Tracks.Count)
                return null;
            packets.Add(new SegmentPacket(track, dts, duration, composition, size, offset, f[6] == "K"));
        }

        return new SegmentMedia(Tracks, packets, 0, MediaLength);
    }

    public static JournaledSegment Of(string uri, TimeSpan duration, SegmentMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var packed = new StringBuilder(media.Packets.Count * 32);
        foreach (var p in media.Packets)
            packed.Append(CultureInfo.InvariantCulture, $"{p.Track},{p.Dts},{p.Duration},{p.CompositionOffset},{p.Size},{p.Offset},{(p.Key ? "K" : "_")};");
        return new JournaledSegment(uri, duration.TotalSeconds, media.MediaLength, media.Tracks, packed.ToString());
    }
}

/// <summary>Where the replay stands, as its journal tells it (<see cref="ReplayJournal.Read"/>).</summary>
/// <param name="UploadId">The MP4's multipart upload, once begun.</param>
/// <param name="Segments">The segments taken in, in order.</param>
/// <param name="Parts">The media parts stored (the last answer per number).</param>
/// <param name="Completed">The MP4 as stored, once completed.</param>
/// <param name="Problem">Why the replay gave up, once it did.</param>
public sealed record ReplayProgress(string? UploadId, IReadOnlyList<JournaledSegment> Segments, IReadOnlyList<StoredPart> Parts, ReplayObject? Completed, string? Problem)
{
    public static readonly ReplayProgress None = new(null, [], [], null, null);

    /// <summary>The bytes of media taken in: the sum of the segments'.</summary>
    public long Gathered => Segments.Sum(s => s.MediaLength);

    /// <summary>The bytes of media stored as parts (the index, part 1, is not media).</summary>
    public long Sent => Parts.Where(p => p.Number != ReplayParts.IndexPart).Sum(p => p.Size);

    public int NextPart => Parts.Count == 0 ? ReplayParts.FirstMediaPart : Math.Max(ReplayParts.FirstMediaPart, Parts.Max(p => p.Number) + 1);
}

/// <summary>
/// The replay's journal (pure): lines written as the replay goes (<see cref="Line"/>), read back after a restart
/// (<see cref="Read"/>). A daemon killed while writing leaves at most a cut last line, which is not counted: what it
/// described (a segment, a part) is done again.
/// </summary>
public static class ReplayJournal
{
    public const string FileName = "replay-journal.jsonl";

    public static byte[] Line(ReplayJournalLine line) => JsonLines.Line(line, ReplayJournalJson.Default.ReplayJournalLine);

    /// <summary>The progress the lines describe; a line that is not whole (no newline after it) or not one of the journal's is skipped.</summary>
    public static ReplayProgress Read(string text)
    {
        string? upload = null;
        string? problem = null;
        ReplayObject? completed = null;
        var segments = new List<JournaledSegment>();
        var parts = new SortedDictionary<int, StoredPart>();
        foreach (var line in JsonLines.Whole(text, ReplayJournalJson.Default.ReplayJournalLine))
        {
            if (line.Upload is { } id)
            {
                upload = id;
                parts.Clear(); // a new upload starts its parts again
            }
            else if (line.Segment is { } segment)
            {
                segments.Add(segment);
            }
            else if (line.Part is { } part)
            {
                parts[part.Number] = part;
            }
            else if (line.Completed is { } done)
            {
                completed = done;
            }
            else if (line.GaveUp is { } reason)
            {
                problem ??= reason;
            }
        }

        return new ReplayProgress(upload, segments, [.. parts.Values], completed, problem);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReplayJournalLine))]
internal sealed partial class ReplayJournalJson : JsonSerializerContext;
