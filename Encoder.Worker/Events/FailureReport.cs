namespace Encoder.Events;

/// <summary>What to say about one more failed attempt, so that an outage is reported, not every attempt in it.</summary>
public enum FailureReport
{
    /// <summary>The first failure of an outage: say what happened, once.</summary>
    OutageStarted,

    /// <summary>Still failing, and a reminder is due (the cause changed, or a while has passed since the last one).</summary>
    StillFailing,

    /// <summary>Still failing; nothing new to say above debug level.</summary>
    Quiet,
}
