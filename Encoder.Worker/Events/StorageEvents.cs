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

/// <summary>The disk guard deleted <paramref name="Count"/> local segments storage already holds (<paramref name="First"/> to <paramref name="Last"/>) to free the recording disk.</summary>
public sealed record DiskSegmentsDeleted(
    DateTimeOffset At, long FreeBytes, double FreePercent, int Count, string First, string Last, long DeletedBytes, string Directory) : ClassEvent(At);

/// <summary>
/// The recording disk is low (below <paramref name="ThresholdPercent"/> free) or, <paramref name="Critical"/>, below half
/// of that, with nothing stored left to delete: said when it starts and each minute. <paramref name="OnlyHere"/> are
/// the segments only on this machine; <paramref name="MinutesLeft"/> until full at the current rate, null when not filling.
/// </summary>
public sealed record DiskLow(
    DateTimeOffset At, bool Critical, long FreeBytes, double FreePercent, double ThresholdPercent, string Directory,
    IReadOnlyList<string> OnlyHere, long OnlyHereBytes, double? MinutesLeft) : ClassEvent(At);

/// <summary>The recording disk has room again (above the warning threshold).</summary>
public sealed record DiskRoomAgain(DateTimeOffset At, long FreeBytes, double FreePercent) : ClassEvent(At);
