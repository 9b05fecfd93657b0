using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Recording;

/// <summary>
/// What the log says about the recording disk, from the class's events (<see cref="ClassEvents"/>): what the disk guard
/// deleted, and what it can't free (a warning below the threshold, an ALERT below half of it, each minute), and when
/// the disk has room again. Each line has its event id (400–499), which tests and log queries match, not the wording.
/// The category stays <see cref="DiskGuard"/>'s.
/// </summary>
public sealed partial class DiskLog(ILogger<DiskGuard> logger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case DiskSegmentsDeleted deleted:
                Log.Deleted(logger, Mb(deleted.FreeBytes), deleted.FreePercent, deleted.Count, deleted.First, deleted.Last, Mb(deleted.DeletedBytes), deleted.Directory);
                return;
            case DiskLow { Critical: true } low:
                Log.NearlyFull(logger, Mb(low.FreeBytes), low.FreePercent, low.Directory, OnlyHere(low), Left(low));
                return;
            case DiskLow low:
                Log.Low(logger, Mb(low.FreeBytes), low.FreePercent, low.ThresholdPercent, low.Directory, OnlyHere(low), Left(low));
                return;
            case DiskRoomAgain room:
                Log.RoomAgain(logger, Mb(room.FreeBytes), room.FreePercent);
                return;
            default:
                return;
        }
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    private static string OnlyHere(DiskLow low) =>
        low.OnlyHere.Count == 0 ? "none" : $"{low.OnlyHere.Count} ({low.OnlyHere[0]} to {low.OnlyHere[^1]}, {Mb(low.OnlyHereBytes)} MB)";

    private static string Left(DiskLow low) =>
        low.MinutesLeft is { } m ? $"the disk is full in about {m:0} minutes at the current rate" : "not filling right now";

    /// <summary>The recording disk's lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 400, EventName = "DiskSegmentsDeleted", Level = LogLevel.Warning,
            Message = "Recording disk low ({FreeMb} MB free, {Percent:0.0}%): deleted {Count} local segments already stored ({First} to {Last}, {DroppedMb} MB) from {Directory}")]
        public static partial void Deleted(ILogger logger, long freeMb, double percent, int count, string first, string last, long droppedMb, string directory);

        [LoggerMessage(EventId = 401, EventName = "DiskNearlyFull", Level = LogLevel.Critical,
            Message = "ALERT: RECORDING DISK NEARLY FULL: {FreeMb} MB free ({Percent:0.0}%) on {Directory} and no stored segment left to delete; segments only on this machine, waiting for storage: {OnlyHere}; {Left}. " +
                      "Once it is full FFmpeg cannot write: the recording from then on CANNOT BE KEPT. Restore storage or free space now")]
        public static partial void NearlyFull(ILogger logger, long freeMb, double percent, string directory, string onlyHere, string left);

        [LoggerMessage(EventId = 402, EventName = "DiskLow", Level = LogLevel.Warning,
            Message = "Recording disk low: {FreeMb} MB free ({Percent:0.0}%, warning below {Threshold}%) on {Directory}, nothing stored left to delete; segments only on this machine: {OnlyHere}; {Left}")]
        public static partial void Low(ILogger logger, long freeMb, double percent, double threshold, string directory, string onlyHere, string left);

        [LoggerMessage(EventId = 403, EventName = "DiskRoomAgain", Level = LogLevel.Information, Message = "Recording disk has room again: {FreeMb} MB free ({Percent:0.0}%)")]
        public static partial void RoomAgain(ILogger logger, long freeMb, double percent);
    }
}
