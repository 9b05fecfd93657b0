using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>
/// Reads what the planner needs from the session folder: the playlist (through <see cref="PlaylistReader"/>, which keeps
/// the segments' ledger current), whether a segment is on disk, and for the final pass the logs (with their MD5) and
/// <c>session.json</c>. A look costs the same at any point of the class: the playlist is read and parsed again only when
/// it changed, and a segment's file is looked up only when the planner asks (it asks only for segments not stored yet).
/// Nothing lists the folder.
/// </summary>
public sealed class RecordingReader(RecordingLayout layout, PlaylistReader playlists, SessionManifestSource manifest)
{

    public async Task<RecordingSnapshot> ReadAsync(bool final, CancellationToken cancellationToken)
    {
        // The playlist first: a segment it names was renamed into place before it was written, so it is on disk.
        var playlist = playlists.Read();
        var directory = layout.SessionDirectory;
        var snapshot = new RecordingSnapshot(directory, playlist?.Text, name => File.Exists(Path.Combine(directory, name)), [], null)
        {
            Parsed = playlist?.Parsed,
            PlaylistVersion = playlist?.Version ?? 0,
        };
        if (!final)
            return snapshot;
        return snapshot with { Logs = await LogsAsync(cancellationToken).ConfigureAwait(false), Manifest = manifest.Json(playlist?.Text) };
    }

    /// <summary>The snapshot with <c>session.json</c> made again, now that the pass knows what storage will not hold (<see cref="SessionOutcome"/>).</summary>
    public RecordingSnapshot WithManifest(RecordingSnapshot recording, IEnumerable<string> notStoredKeys, ReplayManifest? replay = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return recording.Manifest is null ? recording : recording with { Manifest = manifest.Json(recording.PlaylistText, notStoredKeys, replay) };
    }

    private async Task<List<LogFile>> LogsAsync(CancellationToken cancellationToken)
    {
        var logs = new List<LogFile>();
        if (!Directory.Exists(layout.LogDirectory))
            return logs;
        foreach (var path in Directory.EnumerateFiles(layout.LogDirectory, "*.log"))
        {
            // The daemon's own log is still being written: share it.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await using (stream.ConfigureAwait(false))
                logs.Add(new LogFile(Path.GetFileName(path), path, await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false)));
        }

        return logs;
    }
}
