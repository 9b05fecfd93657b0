using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Preflight;

/// <summary>
/// The recording disk against the class's length (pure): the recording at its bitrate with <c>Launch/RootVolume</c>'s
/// headroom (<paramref name="neededBytes"/>) must fit in what is free. With S3, stored segments are deleted as the class
/// goes (<c>Recording/DiskGuard</c>), so a shortfall only bites if S3 stays away long: a warning; with a local folder the
/// disk must hold it all: a failure.
/// </summary>
public static class DiskRoom
{
    public const string Check = "disk";

    /// <param name="neededBytes">The whole class's recording, null when the class has no end set.</param>
    /// <param name="mbps">The recording's bitrate (<c>Launch/RootVolume.Mbps</c>), to say how long the free space lasts.</param>
    public static CheckResult Judge(long freeBytes, double? neededBytes, double mbps, StorageKind storage)
    {
        var c = CultureInfo.InvariantCulture;
        var hours = mbps > 0 ? freeBytes / (1.25 * mbps * 1_000_000 / 8) / 3600 : double.PositiveInfinity;
        var free = string.Create(c, $"{freeBytes / 1e9:0.#} GB free, {hours:0.#} h at {mbps:0.##} Mbit/s");
        if (neededBytes is not { } needed)
            return CheckResult.Pass(Check, $"{free} (the class has no end set)");
        var says = string.Create(c, $"{free}; the class needs {needed / 1e9:0.#} GB");
        if (freeBytes >= needed)
            return CheckResult.Pass(Check, says);
        return storage == StorageKind.S3
            ? CheckResult.Warn(Check, $"{says}: enough only while S3 takes the segments as they come")
            : CheckResult.Fail(Check, $"{says}: a local folder must hold the whole recording");
    }
}
