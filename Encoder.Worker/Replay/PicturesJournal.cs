using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Storage;

namespace Encoder.Replay;

/// <summary>
/// One line of the pictures' journal (<see cref="PicturesJournal.FileName"/>): their progress as it is made, so that a daemon
/// killed or restarted mid-class goes on from the next segment instead of starting the pictures again. Exactly one field is set.
/// </summary>
public sealed record PicturesJournalLine
{
    /// <summary>A segment looked at (after its tiles and its candidate are journaled): its name and its <c>EXTINF</c> seconds.</summary>
    public LookedSegment? Segment { get; init; }

    /// <summary>The storyboard's tile size, once known.</summary>
    public PictureSize? Tile { get; init; }

    /// <summary>How many tiles are made so far (the raw ones of the unfinished sheet are in <see cref="RawTiles"/>).</summary>
    public int? Tiles { get; init; }

    /// <summary>A sprite sheet made from the raw tiles: its number and how many tiles it holds.</summary>
    public MadeSheet? Sheet { get; init; }

    /// <summary>A sprite sheet stored: its number and the object.</summary>
    public StoredSheet? Sprite { get; init; }

    /// <summary>The WebVTT file stored.</summary>
    public ReplayObject? Vtt { get; init; }

    /// <summary>The best poster candidate so far (its JPEG is <see cref="PosterSide.BestFileName"/>).</summary>
    public PosterCandidate? Candidate { get; init; }

    /// <summary>The best candidate became the poster.</summary>
    public bool? Chosen { get; init; }

    /// <summary>The poster stored.</summary>
    public ReplayPoster? Poster { get; init; }

    public string? PosterProblem { get; init; }

    public string? StoryboardProblem { get; init; }
}

public sealed record LookedSegment(string Uri, double Seconds);

public sealed record MadeSheet(int Number, int Tiles);

public sealed record StoredSheet(int Number, ReplayObject Stored);

/// <summary>Where the pictures stand, as their journal tells it (<see cref="PicturesJournal.Read"/>).</summary>
/// <param name="Segments">The segments looked at, in order.</param>
/// <param name="Recorded">The VOD's end after them (the sum of their <c>EXTINF</c>).</param>
/// <param name="Tile">The tile size, once known.</param>
/// <param name="Tiles">The tiles made so far.</param>
/// <param name="Sheets">The sheets made, by number, with the object once stored.</param>
/// <param name="Vtt">The WebVTT file, once stored.</param>
/// <param name="Best">The best poster candidate so far.</param>
/// <param name="Chosen">Whether the poster is chosen.</param>
/// <param name="Poster">The poster, once stored.</param>
public sealed record PicturesProgress(IReadOnlyList<LookedSegment> Segments, TimeSpan Recorded, PictureSize? Tile, int Tiles,
    IReadOnlyList<(MadeSheet Made, ReplayObject? Stored)> Sheets, ReplayObject? Vtt, PosterCandidate? Best, bool Chosen, ReplayPoster? Poster,
    string? PosterProblem, string? StoryboardProblem)
{
    public static readonly PicturesProgress None = new([], TimeSpan.Zero, null, 0, [], null, null, false, null, null, null);

    /// <summary>The tiles not in a sheet yet: the raw ones on this disk.</summary>
    public int Unsheeted => Tiles - Sheets.Sum(s => s.Made.Tiles);
}

/// <summary>
/// The pictures' journal (pure): lines written as the pictures go (<see cref="Line"/>), read back after a restart
/// (<see cref="Read"/>). A daemon killed while writing leaves at most a cut last line, which is not counted: what it
/// described (a segment, a sheet) is done again, and the tiles beyond the journaled count are cut off the raw file.
/// </summary>
public static class PicturesJournal
{
    public const string FileName = "replay-pictures.jsonl";

    public static byte[] Line(PicturesJournalLine line) => JsonLines.Line(line, PicturesJournalJson.Default.PicturesJournalLine);

    /// <summary>The progress the lines describe; a line that is not whole (no newline after it) or not one of the journal's is skipped.</summary>
    public static PicturesProgress Read(string text)
    {
        var p = PicturesProgress.None;
        var segments = new List<LookedSegment>();
        var sheets = new SortedDictionary<int, (MadeSheet Made, ReplayObject? Stored)>();
        foreach (var line in JsonLines.Whole(text, PicturesJournalJson.Default.PicturesJournalLine))
        {
            if (line.Segment is { } segment)
            {
                segments.Add(segment);
                p = p with { Recorded = p.Recorded + TimeSpan.FromSeconds(segment.Seconds) };
            }

            if (line.Tile is { } tile)
                p = p with { Tile = tile };
            if (line.Tiles is { } tiles)
                p = p with { Tiles = tiles };
            if (line.Sheet is { } sheet)
                sheets[sheet.Number] = (sheet, null);
            if (line.Sprite is { } sprite && sheets.TryGetValue(sprite.Number, out var made))
                sheets[sprite.Number] = (made.Made, sprite.Stored);
            if (line.Vtt is { } vtt)
                p = p with { Vtt = vtt };
            if (line.Candidate is { } candidate)
                p = p with { Best = candidate };
            if (line.Chosen is true)
                p = p with { Chosen = true };
            if (line.Poster is { } poster)
                p = p with { Poster = poster };
            if (line.PosterProblem is { } posterProblem)
                p = p with { PosterProblem = p.PosterProblem ?? posterProblem };
            if (line.StoryboardProblem is { } storyboardProblem)
                p = p with { StoryboardProblem = p.StoryboardProblem ?? storyboardProblem };
        }

        return p with { Segments = segments, Sheets = [.. sheets.Values] };
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PicturesJournalLine))]
internal sealed partial class PicturesJournalJson : JsonSerializerContext;
