using System.Globalization;

namespace Encoder.Recording;

/// <summary>
/// When the class first started on this machine: <c>{Recording:Directory}/{SessionId}/class-started</c>, written by
/// the session's first daemon and read by every later one (a restart, a reboot, a crash and <c>Restart=on-failure</c>),
/// so <c>Session:MaxDuration</c> counts from the class's start, not from each daemon's. It stays with the recording,
/// like <c>Lifecycle/ClassEndMarkers</c>' class-ended.
/// </summary>
public static class ClassStart
{
    public const string FileName = "class-started";

    public static string PathFor(RecordingLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return Path.Combine(layout.SessionDirectory, FileName);
    }

    /// <summary>
    /// The recorded first start, or <paramref name="now"/> (recorded) when there is none. A marker that can't be read
    /// or written changes nothing but this: the class counts from <paramref name="now"/>, as it did before the marker.
    /// </summary>
    public static DateTimeOffset ReadOrRecord(RecordingLayout layout, DateTimeOffset now)
    {
        if (Read(layout, now) is { } recorded)
            return recorded;
        var path = PathFor(layout);
        try
        {
            Directory.CreateDirectory(layout.SessionDirectory);
            File.WriteAllText(path, now.ToString("O", CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return now;
    }

    /// <summary>The recorded first start; null when none is recorded (yet) or it can't be read.</summary>
    public static DateTimeOffset? Read(RecordingLayout layout, DateTimeOffset now)
    {
        try
        {
            var path = PathFor(layout);
            return File.Exists(path) ? Parse(File.ReadAllText(path), now) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The instant in a marker's text; null when it holds none, or one after <paramref name="now"/> (a clock that jumped back: count from now).</summary>
    public static DateTimeOffset? Parse(string text, DateTimeOffset now) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) && at <= now ? at : null;
}
