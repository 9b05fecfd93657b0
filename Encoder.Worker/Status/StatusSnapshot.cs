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

/// <summary>The relay: its ports, and what it took, dropped (not whole MPEG-TS packets) and refused.</summary>
/// <param name="ContinuityErrors">TS packets that did not follow their PID's previous one: loss between the recorder and the relay.</param>
/// <param name="ClientsRejected">TCP connections closed at once because every egress place was taken.</param>
/// <param name="SocketDrops">Datagrams the kernel dropped because the relay's receive buffer was full (null off Linux).</param>
public sealed record RelaySnapshot(
    int InputPort,
    int RecorderPort,
    long DatagramsReceived,
    long DatagramsDropped,
    long ContinuityErrors,
    long ClientsRejected,
    long? SocketDrops = null);

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
    IReadOnlyDictionary<string, OutputSnapshot> Ingest,
    RelaySnapshot? Relay = null);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusSnapshot))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
