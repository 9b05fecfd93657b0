namespace Encoder.Egress;

/// <summary>An ingest slot's place in the plan: the machine reasons about roles, the driver maps them to <see cref="IngestSlot"/>s.</summary>
public enum SlotRole
{
    Primary,
    Secondary,
}

/// <summary>Where the stream goes.</summary>
public enum Route
{
    /// <summary>Failover mode: pushing to the primary only.</summary>
    OnPrimary,

    /// <summary>Failover mode: the primary failed; pushing to the secondary, probing the primary.</summary>
    OnSecondary,

    /// <summary>Failover mode: the primary answered long enough; it is starting while the secondary still pushes (make before break).</summary>
    Returning,

    /// <summary>Failover mode: both failed; each is retried with its backoff while the recording goes on.</summary>
    BothDown,

    /// <summary>Redundant mode, or a single slot: every slot pushes all the time, each under its own retry.</summary>
    Redundant,
}

/// <summary>One slot's egress.</summary>
public enum EgressPhase
{
    Off,
    Starting,
    Streaming,

    /// <summary>Failed; a retry is scheduled after the slot's backoff.</summary>
    Waiting,
}

/// <summary>The router's whole state. <paramref name="Secondary"/> is null when only one slot is configured.</summary>
/// <param name="RecorderUp">The recorder is up (<c>Ffmpeg/RecorderHealth</c>): while it is down, an egress's failure is not the ingest's fault.</param>
/// <param name="PrimaryFailedAt">When the primary failed, until the secondary's first frame (the failover's duration).</param>
/// <param name="PrimaryHealthySince">While on the secondary: since when every probe of the primary has answered.</param>
/// <param name="BothDownSince">When both slots went down, until one streams again.</param>
public sealed record RoutingState(
    Route Route,
    EgressPhase Primary,
    EgressPhase? Secondary,
    bool RecorderUp = true,
    DateTimeOffset? PrimaryFailedAt = null,
    DateTimeOffset? PrimaryHealthySince = null,
    DateTimeOffset? BothDownSince = null)
{
    public EgressPhase? Phase(SlotRole slot) => slot == SlotRole.Primary ? Primary : Secondary;

    public RoutingState With(SlotRole slot, EgressPhase phase) =>
        slot == SlotRole.Primary ? this with { Primary = phase } : this with { Secondary = phase };
}

/// <summary>Something that happened to an egress, the probe, a timer or the recorder.</summary>
public abstract record RoutingEvent
{
    /// <summary>The router starts.</summary>
    public sealed record Begin : RoutingEvent;

    /// <summary>The slot's egress put its first frame out.</summary>
    public sealed record EgressStreaming(SlotRole Slot) : RoutingEvent;

    /// <summary>The slot's egress ended without being asked to (it failed, or was killed as stalled).</summary>
    public sealed record EgressFailed(SlotRole Slot, string Reason) : RoutingEvent;

    public sealed record ProbeHealthy : RoutingEvent;

    public sealed record ProbeUnhealthy : RoutingEvent;

    /// <summary>The slot's backoff window elapsed: time to retry it.</summary>
    public sealed record RetryDue(SlotRole Slot) : RoutingEvent;

    public sealed record RecorderDown : RoutingEvent;

    public sealed record RecorderUp : RoutingEvent;
}

/// <summary>Why a slot became the active one (for the status file's counters).</summary>
public enum Activation
{
    First,
    Failover,
    Return,

    /// <summary>Pushing again after both were down, or after a return that failed: not counted.</summary>
    Resume,
}

/// <summary>What the driver does in answer to an event.</summary>
public abstract record RoutingAction
{
    public sealed record StartEgress(SlotRole Slot) : RoutingAction;

    public sealed record StopEgress(SlotRole Slot) : RoutingAction;

    /// <summary>Post <see cref="RoutingEvent.RetryDue"/> after the slot's backoff.</summary>
    public sealed record RetryLater(SlotRole Slot) : RoutingAction;

    public sealed record StartProbing : RoutingAction;

    public sealed record StopProbing : RoutingAction;

    /// <summary>The slot is where the class goes now.</summary>
    public sealed record Activate(SlotRole Slot, Activation Why) : RoutingAction;

    /// <summary>A slot failed; <paramref name="Blamed"/> is false while the recorder is down (the ingest is not at fault).</summary>
    public sealed record SlotFailed(SlotRole Slot, string Reason, bool Blamed) : RoutingAction;

    public sealed record SlotStreaming(SlotRole Slot) : RoutingAction;

    /// <summary>The secondary streams; <paramref name="Took"/> from the primary's failure to its first frame.</summary>
    public sealed record FailedOver(TimeSpan Took) : RoutingAction;

    public sealed record ReturnStarted(TimeSpan PrimaryHealthyFor) : RoutingAction;

    /// <summary>The primary's first frame is out; the secondary is released.</summary>
    public sealed record Returned : RoutingAction;

    public sealed record BothDown : RoutingAction;

    public sealed record OneBack(SlotRole Slot, TimeSpan BothDownFor) : RoutingAction;
}
