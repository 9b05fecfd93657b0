using System.Text.Json.Serialization;

namespace Encoder.Status;

/// <summary>One output (the recorder, or one ingest slot's egress). Errors are redacted before they get here.</summary>
public sealed record OutputSnapshot(
    string State,
    long Frames,
    long? Bytes,
    double? Speed,
    double OutTimeSeconds,
    DateTimeOffset? LastProgressAt,
    double? SecondsSinceProgress,
    string? LastError,
    int Failures,
    int Restarts);

/// <summary>The status file's content (<c>Encoder:Status:Path</c>), rewritten atomically every second.</summary>
public sealed record StatusSnapshot(
    string SessionId,
    DateTimeOffset At,
    double UptimeSeconds,
    string? ActiveSlot,
    int Failovers,
    double? LastFailoverSeconds,
    int Returns,
    int SegmentsRecorded,
    int SegmentsStored,
    OutputSnapshot Recorder,
    IReadOnlyDictionary<string, OutputSnapshot> Ingest);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusSnapshot))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
