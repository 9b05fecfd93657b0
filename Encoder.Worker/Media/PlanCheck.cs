using Encoder.Configuration;

namespace Encoder.Media;

/// <summary>What the recorder does once it has told what the camera sends: go on, or restart at once with <see cref="Plan"/>.</summary>
/// <param name="Restart">True when the running plan does not fit what the camera sends.</param>
/// <param name="Plan">The plan for what the camera sends (the running one does the same unless <paramref name="Restart"/>).</param>
/// <param name="Changed">What changed, for the log ("video hevc → h264"), when <paramref name="Restart"/>.</param>
public sealed record PlanCheck(bool Restart, MediaPlan Plan, string? Changed)
{
    /// <summary>
    /// The recorder started with the plan for the <paramref name="known"/> streams (null: never known, the plan for an
    /// unprobed camera) and reports what it <paramref name="seen"/>. It restarts only when the plan for what it sees
    /// differs in what FFmpeg is told to do: the video plan, or the audio's (the camera's audio encoded "if present"
    /// and encoded are the same run when there is audio). A new picture size or another audio codec that is encoded
    /// all the same changes nothing the recorder does, so it goes on.
    /// </summary>
    public static PlanCheck Decide(CameraStreams? known, CameraStreams seen, VideoMode mode)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var running = MediaPlan.Decide(known, mode);
        var wanted = MediaPlan.Decide(seen, mode);
        var same = running.Video == wanted.Video && SameAudio(running.Audio, wanted.Audio);
        return same ? new PlanCheck(false, wanted, null) : new PlanCheck(true, wanted, Describe(known, seen));
    }

    private static bool SameAudio(AudioPlan running, AudioPlan wanted) =>
        running == wanted || (running == AudioPlan.EncodeIfPresent && wanted == AudioPlan.Encode);

    private static string Describe(CameraStreams? known, CameraStreams seen)
    {
        if (known is null)
            return $"the camera was never probed and sends {seen}";
        var changes = new List<string>();
        if (!string.Equals(known.VideoCodec, seen.VideoCodec, StringComparison.OrdinalIgnoreCase))
            changes.Add($"video {known.VideoCodec} → {seen.VideoCodec}");
        var before = known.DescribeAudio();
        var now = seen.DescribeAudio();
        if (before != now)
            changes.Add($"audio {before} → {now}");
        return changes.Count > 0 ? string.Join(", ", changes) : $"{known} → {seen}";
    }
}
