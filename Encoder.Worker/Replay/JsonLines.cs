using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Encoder.Replay;

/// <summary>
/// A journal of JSON lines (pure): each entry one line, written whole with its newline (<see cref="Line{T}"/>); read back,
/// a piece with no newline after it (a daemon killed while writing) or a line that is not JSON of the type is skipped
/// (<see cref="Whole{T}"/>), so what it described is done again.
/// </summary>
public static class JsonLines
{
    public static byte[] Line<T>(T entry, JsonTypeInfo<T> type) => [.. JsonSerializer.SerializeToUtf8Bytes(entry, type), (byte)'\n'];

    /// <summary>The whole lines' entries, in order.</summary>
    public static IEnumerable<T> Whole<T>(string text, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++) // the last piece has no newline after it: cut short, or empty
        {
            T? entry;
            try
            {
                entry = JsonSerializer.Deserialize(lines[i], type);
            }
            catch (JsonException)
            {
                continue;
            }

            if (entry is not null)
                yield return entry;
        }
    }
}

/// <summary>A journal of JSON lines on this disk: appended line by line as the work goes, read back once at a run's start.</summary>
/// <param name="read">What the journal's text says (its pure reader).</param>
/// <param name="none">What a journal not written yet says.</param>
public abstract class JsonLinesFile<TLine, TProgress>(string path, JsonTypeInfo<TLine> type, Func<string, TProgress> read, TProgress none)
{
    public string Path { get; } = path;

    public bool Exists => File.Exists(Path);

    public TProgress Read() => Exists ? read(File.ReadAllText(Path)) : none;

    public void Append(TLine line)
    {
        using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(JsonLines.Line(line, type));
    }
}
