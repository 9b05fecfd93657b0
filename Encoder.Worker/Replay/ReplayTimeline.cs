namespace Encoder.Replay;

/// <summary>One sample of the replay: its decode time on the VOD's timeline (track ticks), its packet's own duration, composition offset, size, offset in the replay's media, keyframe.</summary>
public readonly record struct ReplaySample(long Time, long PacketDuration, int CompositionOffset, int Size, long Offset, bool Key);

/// <summary>
/// The replay's samples as the VOD playlist plays them (pure): segment after segment, each starting where the playlist
/// puts it (the <c>EXTINF</c> durations before it), so the timeline runs on across camera gaps (<c>#EXT-X-DISCONTINUITY</c>)
/// and daemon restarts. A segment whose own clock runs on from the one before (within <see cref="RunTolerance"/>: the same
/// recorder run) keeps its timestamps as they are, every track its own, so the frames and the sound stay evenly spaced
/// across the boundary (the recorder cuts at keyframes, which the audio frames do not fall on); one whose clock does not
/// (a new run) starts a new offset, every track measured from the segment's earliest packet. The segments' media follow one another in the replay's <c>mdat</c>.
/// A segment whose tracks differ from the first one's (another codec setup) cannot join: <see cref="Add"/> says why.
/// </summary>
public sealed class ReplayTimeline
{
    /// <summary>How far a segment's own clock may stray from where the playlist puts it and still continue the recorder run before it.</summary>
    public static readonly TimeSpan RunTolerance = TimeSpan.FromSeconds(0.5);

    private readonly List<List<ReplaySample>> _samples = [];
    private double _offsetSeconds; // the VOD time minus the recorder run's own, in seconds

    public IReadOnlyList<ReplayTrack> Tracks { get; private set; } = [];

    /// <summary>Each track's samples, in decode order.</summary>
    public IReadOnlyList<IReadOnlyList<ReplaySample>> Samples => _samples;

    /// <summary>The bytes of media so far (the <c>mdat</c>'s payload).</summary>
    public long MediaLength { get; private set; }

    /// <summary>Where the VOD ends after the segments added so far.</summary>
    public TimeSpan End { get; private set; }

    public int SegmentCount { get; private set; }

    /// <summary>Adds a segment that plays from <paramref name="start"/> for <paramref name="duration"/>; a reason when it cannot join (nothing is added).</summary>
    public string? Add(SegmentMedia media, TimeSpan start, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (SegmentCount == 0)
        {
            Tracks = media.Tracks;
            foreach (var _ in media.Tracks)
                _samples.Add([]);
        }
        else if (media.Tracks.Count != Tracks.Count || media.Tracks.Where((t, i) => !t.SameAs(Tracks[i])).Any())
        {
            return "its streams differ from the first segment's (the camera's codec setup changed)";
        }

        if (media.Packets.Count > 0)
        {
            var firstSeconds = media.Packets.Min(p => (double)p.Dts / media.Tracks[p.Track].TimeScale);
            if (SegmentCount == 0 || Math.Abs(firstSeconds + _offsetSeconds - start.TotalSeconds) > RunTolerance.TotalSeconds)
                _offsetSeconds = start.TotalSeconds - firstSeconds; // a new recorder run (or the first): it starts where the playlist puts it
            foreach (var packet in media.Packets)
            {
                var scale = media.Tracks[packet.Track].TimeScale;
                var time = (long)Math.Round(_offsetSeconds * scale) + packet.Dts;
                _samples[packet.Track].Add(new ReplaySample(time, packet.Duration, packet.CompositionOffset, packet.Size, MediaLength + packet.Offset, packet.Key));
            }
        }

        MediaLength += media.MediaLength;
        End = start + duration;
        SegmentCount++;
        return null;
    }

    /// <summary>
    /// A track's samples' durations (ticks): the step to the next sample's time, at least one tick (a segment's packets that
    /// overlap the next segment's start are laid after each other); the last sample keeps its packet's duration.
    /// </summary>
    public static long[] Durations(IReadOnlyList<ReplaySample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var durations = new long[samples.Count];
        var decode = samples.Count > 0 ? samples[0].Time : 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (i == samples.Count - 1)
            {
                durations[i] = samples[i].PacketDuration > 0 ? samples[i].PacketDuration : i > 0 ? durations[i - 1] : 1;
                break;
            }

            var next = Math.Max(decode + 1, samples[i + 1].Time);
            durations[i] = next - decode;
            decode = next;
        }

        return durations;
    }
}
