using Encoder.Ffmpeg;

namespace Encoder.Egress;

/// <summary>One egress pushing the relay to one slot, as the router sees it: its first frame, its end, its stop.</summary>
public interface IEgress : IAsyncDisposable
{
    /// <summary>Completes true with the first frame out, false if the egress ended without one.</summary>
    Task<bool> Streaming { get; }

    Task<FfmpegExit> Completion { get; }
}

/// <summary>Starts egresses; the real one runs FFmpeg, tests hand out stand-ins they complete themselves.</summary>
public interface IEgressLauncher
{
    IEgress Start(IngestSlot slot, CancellationToken daemonStop);
}
