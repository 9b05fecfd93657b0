using System.Text.Json;

namespace Encoder.Storage;

/// <summary>
/// The runs of the class that storage told of when this session folder began without a recording (<see cref="StoredRecordingResume"/>):
/// kept beside the recording as <see cref="FileName"/>, so every later <c>session.json</c> of this folder (a restart included)
/// counts them (<see cref="SessionManifest.Build"/>).
/// </summary>
/// <param name="FirstStartedAt">When the class first started (its first run).</param>
/// <param name="Runs">The earlier runs, in order.</param>
/// <param name="Outages">Their outages (a daemon's restarts among them).</param>
public sealed record EarlierRuns(
    DateTimeOffset FirstStartedAt,
    IReadOnlyList<SessionRun> Runs,
    IReadOnlyList<Outage> Outages,
    int Failovers = 0,
    int Returns = 0,
    double? LastFailoverSeconds = null,
    IReadOnlyList<string>? IngestSlots = null)
{
    public const string FileName = "earlier-runs.json";

    public IReadOnlyList<string> IngestSlotsUsed => IngestSlots ?? [];

    /// <summary>What a stored <c>session.json</c> says of the runs it counts (a manifest without runs was written by one run).</summary>
    public static EarlierRuns From(SessionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new EarlierRuns(manifest.StartedAt, manifest.Runs is { Count: > 0 } runs ? runs : [new SessionRun(manifest.StartedAt, manifest.EndedAt)],
            manifest.Outages, manifest.Faults?.Failovers ?? 0, manifest.Faults?.Returns ?? 0, manifest.Faults?.LastFailoverSeconds, manifest.IngestSlotsUsed);
    }

    public static string PathIn(string sessionDirectory) => Path.Combine(sessionDirectory, FileName);

    /// <summary>The earlier runs kept in the session folder; null when there are none (or the file cannot be read).</summary>
    public static EarlierRuns? Read(string sessionDirectory)
    {
        try
        {
            var path = PathIn(sessionDirectory);
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ManifestJson.Default.EarlierRuns) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public Task WriteAsync(string sessionDirectory, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(PathIn(sessionDirectory), JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.EarlierRuns), cancellationToken);
}
