namespace Encoder.Events;

// The ingests' events: published by Egress/EgressSession (one egress FFmpeg), Egress/IngestReports (what the router
// decided) and the relay's counters. A slot is named by its name (primary, secondary).

/// <summary>An egress FFmpeg starts to connect to the slot's ingest.</summary>
public sealed record IngestConnecting(DateTimeOffset At, string Slot) : ClassEvent(At);

/// <summary>One progress report of the slot's egress FFmpeg.</summary>
public sealed record IngestProgressed(DateTimeOffset At, string Slot, long Frames, long? Bytes, TimeSpan OutTime, double? Speed) : ClassEvent(At);

/// <summary>The slot's egress sent its first frame: the ingest is up.</summary>
public sealed record IngestStreaming(DateTimeOffset At, string Slot) : ClassEvent(At);

/// <summary>The slot's egress ended: failed (the ingest is down) or stopped on request (idle).</summary>
public sealed record IngestEnded(DateTimeOffset At, string Slot, string Reason, bool Failed) : ClassEvent(At);

/// <summary>The router made the slot the active one: at the start, on a failover, or on the return to the primary.</summary>
public sealed record IngestActivated(DateTimeOffset At, string Slot, bool Secondary, bool Failover, bool Return) : ClassEvent(At);

/// <summary>The secondary streams, <paramref name="Took"/> after the primary failed.</summary>
public sealed record FailedOver(DateTimeOffset At, TimeSpan Took) : ClassEvent(At);

/// <summary>
/// A slot's attempt failed. Not <paramref name="Blamed"/>: it ended while the recorder was down, which is not the
/// ingest's fault (then <paramref name="Report"/> and <paramref name="Attempts"/> say nothing).
/// </summary>
public sealed record IngestFailed(DateTimeOffset At, string Slot, string Reason, bool Blamed, FailureReport Report, int Attempts) : ClassEvent(At);

/// <summary>A slot streams again; <paramref name="Outage"/> is how long it was down, null when it was not.</summary>
public sealed record IngestBack(DateTimeOffset At, string Slot, TimeSpan? Outage) : ClassEvent(At);

/// <summary>The primary has answered for <paramref name="HealthyFor"/>: the router returns to it.</summary>
public sealed record ReturnStarted(DateTimeOffset At, TimeSpan HealthyFor) : ClassEvent(At);

/// <summary>Back on the primary; the secondary is released.</summary>
public sealed record ReturnedToPrimary(DateTimeOffset At) : ClassEvent(At);

/// <summary>Both ingests are down (the recording goes on).</summary>
public sealed record BothIngestsDown(DateTimeOffset At) : ClassEvent(At);

/// <summary>A slot streams after both were down for <paramref name="DownFor"/>.</summary>
public sealed record OneIngestBack(DateTimeOffset At, string Slot, TimeSpan DownFor) : ClassEvent(At);

/// <summary>The relay dropped a datagram (not whole MPEG-TS packets).</summary>
public sealed record RelayDatagramDropped(DateTimeOffset At) : ClassEvent(At);
