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

/// <summary>What the camera sends (as last probed) and what the recorder does with it (<c>Media/MediaPlan</c>).</summary>
/// <param name="VideoCodec">FFmpeg's name for the camera's video codec; null until the camera was probed once.</param>
/// <param name="AudioCodec">The camera's audio codec, null when it sends none (or was never probed).</param>
/// <param name="ProbeError">Why the last probe failed (the plan then rests on the streams probed before), null when it worked.</param>
/// <param name="Video"><c>copy</c> or <c>transcode</c>.</param>
/// <param name="Audio"><c>copy</c> (the camera's AAC 48 kHz as it is), <c>encode</c> (the camera's audio to AAC), <c>silent</c> (a silent AAC track) or <c>encode-if-present</c> (never probed).</param>
/// <param name="Plan">The plan's reason, as logged.</param>
public sealed record CameraSnapshot(
    string? VideoCodec,
    int? Width,
    int? Height,
    string? AudioCodec,
    DateTimeOffset PlannedAt,
    string? ProbeError,
    string Video,
    string Audio,
    string Plan);

/// <summary>The CDN's live playback URL as the playback watch sees it (<c>Encoder:Playback:LiveUrl</c>; absent when none is set). No URL here.</summary>
/// <param name="State"><c>waiting</c> (on air, no new segment yet), <c>up</c>, <c>stale</c>, or <c>ended</c> (the class is over: no longer watched).</param>
/// <param name="StaleSeconds">How long no new segment has come, while stale; else 0.</param>
/// <param name="MediaSequence">The media playlist's <c>EXT-X-MEDIA-SEQUENCE</c> at the last look that read one.</param>
/// <param name="LastAdvanceAt">When a new newest segment last came (listed and downloaded).</param>
/// <param name="LastError">What went wrong at the last look (redacted, no URL); null when it went well.</param>
public sealed record PlaybackSnapshot(
    string State,
    double StaleSeconds,
    long? MediaSequence,
    DateTimeOffset? LastAdvanceAt,
    DateTimeOffset? LastCheckAt,
    string? LastError);

/// <summary>
/// The pre-flight the daemon ran before the class (<c>Preflight/PreflightService</c>, the checks of <c>encoder check</c>):
/// <c>pass</c>, <c>fail</c>, or <c>not-run</c> (started too close to the class's start); <paramref name="Summary"/> says each
/// failure and warning in one line ("plan: transcode: the camera sends hevc …; ingest secondary: connection refused").
/// </summary>
public sealed record PreflightSnapshot(DateTimeOffset At, string Verdict, double Seconds, string Summary, IReadOnlyList<Events.PreflightCheckOutcome> Checks);

/// <summary>One content condition (black, frozen, silent) as the content watch reported it.</summary>
/// <param name="Active">It is going on now (it lasted its minimum duration and has not ended).</param>
/// <param name="Seconds">How long it has lasted, while active (counted from the first measurement that showed it); 0 otherwise.</param>
/// <param name="Since">When it began, while active.</param>
/// <param name="Count">How many times it began in this run of the daemon.</param>
/// <param name="LastSeconds">How long the last one that ended lasted.</param>
public sealed record ContentConditionSnapshot(bool Active, double Seconds, DateTimeOffset? Since, int Count, double? LastSeconds);

/// <summary>What the viewers see and hear, as the content watch measures it (<c>Content/ContentWatch</c>); absent when the watch is off or has measured nothing yet.</summary>
/// <param name="MeasuredAt">The last measurement of the picture or the sound.</param>
/// <param name="Luma">The last keyframe's luma that nine tenths of it are at or below (8-bit): black at or below <c>Content:BlackMaxLuma</c>.</param>
/// <param name="Change">The last keyframe's mean luma change since the one before: frozen at or below <c>Content:FrozenMaxChange</c>.</param>
/// <param name="LevelDbfs">The last half second's RMS level in dBFS (-120 for digital silence): silent at or below <c>Content:SilentMaxDbfs</c>.</param>
public sealed record ContentSnapshot(
    ContentConditionSnapshot Black,
    ContentConditionSnapshot Frozen,
    ContentConditionSnapshot Silent,
    DateTimeOffset? MeasuredAt,
    double? Luma,
    double? Change,
    double? LevelDbfs);

/// <summary>The status file's content (<c>Encoder:Status:Path</c>), rewritten atomically every second.</summary>
/// <param name="SegmentsPending">Complete segments not stored yet (null before the first playlist), current whatever the uploader is doing.</param>
/// <param name="UploadLagSeconds">How long the oldest of them has waited (0 when none waits).</param>
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
    RelaySnapshot? Relay = null,
    CameraSnapshot? Camera = null,
    int? SegmentsPending = null,
    double? UploadLagSeconds = null,
    PlaybackSnapshot? Playback = null,
    PreflightSnapshot? Preflight = null,

    ContentSnapshot? Content = null,
    ReplaySnapshot? Replay = null);

/// <summary>The replay's objects the CMS may show while the class is live; absent until the first is stored.</summary>
/// <param name="Poster">The poster, once stored (<c>Replay/ReplayPictures</c>).</param>
public sealed record ReplaySnapshot(ReplayPosterSnapshot? Poster);

/// <summary>The stored poster: its full object key, size in pixels, and when it was stored.</summary>
public sealed record ReplayPosterSnapshot(string Key, int Width, int Height, DateTimeOffset StoredAt);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusSnapshot))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
