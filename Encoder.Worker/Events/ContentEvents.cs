namespace Encoder.Events;

// What the viewers see and hear: published by Content/ContentWatch (the judge's verdicts, Content/ContentJudge, and each
// measurement of the picture and the sound it takes from the relay).

/// <summary>A content condition the watch judges: what would make a studio's stream useless while every connection is healthy.</summary>
public enum ContentCondition
{
    /// <summary>The picture is black (a lens cap, a dead HDMI source).</summary>
    Black,

    /// <summary>The picture does not change beyond noise (a camera whose encoder hangs while it keeps sending the same frame).</summary>
    Frozen,

    /// <summary>The sound is below the silence level (the instructor's microphone battery died).</summary>
    Silent,
}

/// <summary>
/// A condition has lasted its minimum duration: it is reported from <paramref name="Since"/>, the first measurement
/// that showed it (so its duration counts from there, not from when it was confirmed).
/// </summary>
public sealed record ContentConditionStarted(DateTimeOffset At, ContentCondition Condition, DateTimeOffset Since) : ClassEvent(At)
{
    public TimeSpan Lasted => At - Since;
}

/// <summary>
/// A reported condition ended after <see cref="Lasted"/>: the picture or the sound was fine again (<paramref name="Measured"/>),
/// or the watch lost the stream (the recorder is down, the watch restarts) and can no longer tell.
/// </summary>
public sealed record ContentConditionEnded(DateTimeOffset At, ContentCondition Condition, DateTimeOffset Since, bool Measured) : ClassEvent(At)
{
    public TimeSpan Lasted => At - Since;
}

/// <summary>
/// One measurement of the picture (a keyframe: <paramref name="Luma"/>, the level nine tenths of it are at or below,
/// 8-bit; <paramref name="Change"/>, the mean change of luma since the keyframe before, null for the first) or of the
/// sound (<paramref name="LevelDbfs"/>, RMS over half a second, -120 for digital silence).
/// </summary>
public sealed record ContentMeasured(DateTimeOffset At, double? Luma, double? Change, double? LevelDbfs) : ClassEvent(At);
