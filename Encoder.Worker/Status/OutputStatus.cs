using Encoder.Ffmpeg;

namespace Encoder.Status;

/// <summary>An output's state; the recorder's is <see cref="RecorderHealthState"/>, value for value.</summary>
public enum OutputState
{
    Idle = RecorderHealthState.Idle,
    Connecting = RecorderHealthState.Connecting,
    Streaming = RecorderHealthState.Streaming,
    Down = RecorderHealthState.Down,
}

/// <summary>The recorder's or a slot's figures as <see cref="EncoderStatus"/> keeps them, and their place in the status file.</summary>
internal sealed record OutputStatus
{
    public OutputState State { get; init; } = OutputState.Idle;
    public long Frames { get; init; }
    public long? Bytes { get; init; }
    public double? Speed { get; init; }
    public double OutTimeSeconds { get; init; }
    public DateTimeOffset? LastProgressAt { get; init; }
    public string? LastError { get; init; }
    public int Failures { get; init; }
    public int Restarts { get; init; }
    public bool EverStreamed { get; init; }

    public OutputSnapshot ToSnapshot(DateTimeOffset now) => new(
        State.ToString().ToLowerInvariant(), Frames, Bytes, Speed, Math.Round(OutTimeSeconds, 2), LastProgressAt,
        LastProgressAt is { } at ? Math.Round((now - at).TotalSeconds, 1) : null, LastError, Failures, Restarts);
}
