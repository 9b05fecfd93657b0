namespace Encoder.Events;

// The recording's events: published by Recording/PlaylistReader (what the playlist names), Recording/DiskGuard (the
// disk's room) and Storage/ (storage being away, the drain).

/// <summary>The recorder's playlist as read after it changed: <paramref name="Segments"/> segments, <paramref name="Duration"/> of media.</summary>
public sealed record PlaylistUpdated(DateTimeOffset At, int Segments, TimeSpan Duration) : ClassEvent(At);

/// <summary>
/// A pass could not store the recording: storage is away. <paramref name="Permanent"/> when only the operator can fix
/// it (a missing bucket, a refused permission); <paramref name="Waiting"/> objects wait on disk.
/// </summary>
public sealed record StorageFailed(DateTimeOffset At, string Error, bool Permanent, int Waiting, FailureReport Report) : ClassEvent(At);

/// <summary>A pass stored again after storage was away since <paramref name="OutageSince"/>.</summary>
public sealed record StorageBack(DateTimeOffset At, DateTimeOffset OutageSince) : ClassEvent(At)
{
    public TimeSpan Outage => At - OutageSince;
}

/// <summary>
/// The upload's drain ended, <paramref name="Took"/> after it began: <paramref name="Pending"/> names what is left only
/// on this machine (in <paramref name="Directory"/>); otherwise everything is in <paramref name="Destination"/>.
/// </summary>
public sealed record DrainEnded(
    DateTimeOffset At, TimeSpan Took, IReadOnlyList<string> Pending, string Directory, int SegmentsStored, TimeSpan Duration, bool PlaylistEnded, string Destination)
    : ClassEvent(At);

/// <summary>The disk guard's look at the recording disk: <paramref name="FreePercent"/> free, after what it deleted.</summary>
public sealed record DiskChecked(DateTimeOffset At, double FreePercent) : ClassEvent(At);
