
namespace Encoder.Storage;

/// <summary>A stretch of the class the recording does not hold: the camera (or recorder) was down, or the daemon itself.</summary>
public sealed record RecordingGap(string Kind, DateTimeOffset StartedAt, DateTimeOffset EndedAt, double Seconds, string Reason);

/// <summary>What an incomplete recording lacks.</summary>
/// <param name="NotStored">Files of the session folder that storage does not hold (segments, the playlist, logs), by name.</param>
/// <param name="Gaps">Stretches of the class that were not recorded.</param>
/// <param name="NothingRecorded">True when the playlist names no segment at all.</param>
public sealed record MissingParts(IReadOnlyList<string> NotStored, IReadOnlyList<RecordingGap> Gaps, bool NothingRecorded);

/// <summary>
/// The verdict <c>session.json</c> gives a CMS (pure): <c>complete</c> when storage holds every segment the playlist
/// names and the playlist, and nothing of the class went unrecorded; else <c>incomplete</c>, with what is missing.
/// A log that could not be stored is listed but does not make the recording incomplete; a storage outage that the
/// uploads caught up with is a fault, not a gap.
/// </summary>
public sealed record SessionOutcome(string Outcome, MissingParts? Missing)
{
    public const string Complete = "complete";
    public const string Incomplete = "incomplete";

    /// <param name="notStored">Names in the session folder (<c>seg_00003.ts</c>, <c>index.m3u8</c>, <c>logs/x.log</c>) storage does not hold.</param>
    public static SessionOutcome Decide(int segmentCount, IReadOnlyCollection<string> notStored, IEnumerable<Outage> outages)
    {
        ArgumentNullException.ThrowIfNull(notStored);
        ArgumentNullException.ThrowIfNull(outages);
        var gaps = outages
            .Where(o => o.Kind is Outage.Camera or Outage.Daemon)
            .OrderBy(o => o.StartedAt)
            .Select(o => new RecordingGap(o.Kind, o.StartedAt, o.EndedAt, o.Seconds, o.Reason))
            .ToList();
        var names = notStored.Order(StringComparer.Ordinal).ToList();
        var recordingNotStored = names.Any(n => !n.StartsWith(StorageKeys.LogFolder, StringComparison.Ordinal));
        var nothing = segmentCount == 0;
        if (!recordingNotStored && gaps.Count == 0 && !nothing)
            return new SessionOutcome(Complete, names.Count == 0 ? null : new MissingParts(names, gaps, false));
        return new SessionOutcome(Incomplete, new MissingParts(names, gaps, nothing));
    }
}
