using System.Text.Json;

namespace Encoder.Tests.Infrastructure;

/// <summary>Reads the daemon's status JSON (Encoder:Status:Path) the way an operator's tooling would.</summary>
internal sealed class StatusFile(string path)
{
    public JsonElement? Read()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public string? IngestState(string slot) =>
        Read() is { } root && root.GetProperty("ingest").TryGetProperty(slot, out var s) ? s.GetProperty("state").GetString() : null;

    /// <summary>How many times one ingest slot's egress failed (-1 before the slot is in the file).</summary>
    public int IngestFailures(string slot) =>
        Read() is { } root && root.GetProperty("ingest").TryGetProperty(slot, out var s) ? s.GetProperty("failures").GetInt32() : -1;

    public string? ActiveSlot() => Read() is { } root && root.TryGetProperty("activeSlot", out var a) ? a.GetString() : null;

    public int Number(string property) => Read() is { } root ? root.GetProperty(property).GetInt32() : -1;

    /// <summary>The last failover's duration (primary failed → secondary's first frame), once there was one.</summary>
    public double? LastFailoverSeconds() =>
        Read() is { } root && root.TryGetProperty("lastFailoverSeconds", out var s) ? s.GetDouble() : null;

    public string? RecorderState() => Read() is { } root ? root.GetProperty("recorder").GetProperty("state").GetString() : null;

    public int RecorderRestarts() => Read() is { } root ? root.GetProperty("recorder").GetProperty("restarts").GetInt32() : -1;

    /// <summary>The last error of the recorder (slot null) or of one ingest slot's egress.</summary>
    public string? LastError(string? slot = null) =>
        Read() is { } root && (slot is null ? root.GetProperty("recorder") : root.GetProperty("ingest").TryGetProperty(slot, out var s) ? s : default) is
            { ValueKind: JsonValueKind.Object } output && output.TryGetProperty("lastError", out var error)
            ? error.GetString()
            : null;
}
