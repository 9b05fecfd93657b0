using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;

namespace Encoder.Egress;

/// <summary>Starts egress sessions, numbering each slot's runs for their logs.</summary>
public sealed class EgressLauncher(
    EncoderOptions options, RecordingLayout layout, MpegTsRelay relay, FfmpegProcess ffmpeg, ClassEvents events, TimeProvider time) : IEgressLauncher
{
    private readonly Dictionary<string, int> _runs = [];

    public IEgress Start(IngestSlot slot, CancellationToken daemonStop)
    {
        ArgumentNullException.ThrowIfNull(slot);
        int run;
        lock (_runs)
            run = _runs[slot.Name] = _runs.GetValueOrDefault(slot.Name) + 1;
        return EgressSession.Start(slot, run, relay.OutputPath, options, layout, ffmpeg, events, time, daemonStop);
    }
}
