using System.Text;
using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>Reads what the planner needs from the session folder: the playlist, the files, and for the final pass the logs (with their MD5) and <c>session.json</c>.</summary>
public sealed class RecordingReader(RecordingLayout layout, SessionManifestSource manifest)
{
    public async Task<RecordingSnapshot> ReadAsync(bool final, CancellationToken cancellationToken)
    {
        // The playlist first: a segment it names was renamed into place before it was written, so the listing below has it.
        var text = File.Exists(layout.PlaylistPath) ? await File.ReadAllTextAsync(layout.PlaylistPath, Encoding.UTF8, cancellationToken).ConfigureAwait(false) : null;
        var files = Directory.Exists(layout.SessionDirectory)
            ? Directory.EnumerateFiles(layout.SessionDirectory).Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal)
            : [];
        if (!final)
            return new RecordingSnapshot(layout.SessionDirectory, text, files, [], null);
        return new RecordingSnapshot(layout.SessionDirectory, text, files, await LogsAsync(cancellationToken).ConfigureAwait(false), manifest.Json(text));
    }

    /// <summary>The snapshot with <c>session.json</c> made again, now that the pass knows what storage will not hold (<see cref="SessionOutcome"/>).</summary>
    public RecordingSnapshot WithManifest(RecordingSnapshot recording, IEnumerable<string> notStoredKeys)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return recording.Manifest is null ? recording : recording with { Manifest = manifest.Json(recording.PlaylistText, notStoredKeys) };
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
