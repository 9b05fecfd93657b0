using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;

namespace Encoder.Storage;

/// <summary>The class at a glance, stored as <c>session.json</c> beside the recording.</summary>
public sealed record SessionManifest(
    string SessionId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    int SegmentCount,
    string PlaylistKey,
    bool Complete,
    IReadOnlyList<string> IngestSlotsUsed,
    IReadOnlyList<Outage> Outages)
{
    /// <summary>Builds the manifest (pure): daemon restarts from the journal join the outages this daemon saw, in time order.</summary>
    public static SessionManifest Build(
        string sessionId, DateTimeOffset startedAt, DateTimeOffset endedAt, HlsPlaylist playlist, string playlistKey,
        IReadOnlyList<string> ingestSlots, IEnumerable<Outage> outages, IEnumerable<DaemonRestart> restarts)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        var all = outages
            .Concat(restarts.Select(r => new Outage(Outage.Daemon, r.LastSeen, r.Restarted, "the daemon stopped unexpectedly and was restarted")))
            .OrderBy(o => o.StartedAt)
            .ToList();
        return new SessionManifest(sessionId, startedAt, endedAt, Math.Round(playlist.TotalDuration.TotalSeconds, 3), playlist.Segments.Count,
            playlistKey, playlist.HasEndList, ingestSlots, all);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.SessionManifest);
}

/// <summary>Gathers what <c>session.json</c> says at the drain: the journal's first start and restarts, this daemon's outages, the ingest slots that carried the stream.</summary>
public sealed class SessionManifestSource(EncoderOptions options, UploadJournal journal, SessionOutages outages, EncoderStatus status, TimeProvider time)
{
    /// <param name="playlistText">The playlist as FFmpeg wrote it (null if it wrote none): the manifest describes its final VOD form.</param>
    public byte[] Json(string? playlistText)
    {
        var now = time.GetUtcNow();
        var playlistKey = StorageKeys.ObjectKey(options.Storage.Kind == StorageKind.S3 ? options.Storage.Prefix : null,
            StorageKeys.For(options.SessionId, StorageKeys.PlaylistName));
        return SessionManifest.Build(options.SessionId, journal.State.FirstStart ?? now, now,
            HlsPlaylist.Parse(playlistText is null ? "" : HlsPlaylist.AsFinal(playlistText)), playlistKey,
            status.SlotsThatStreamed(), outages.All, journal.State.Restarts).ToJson();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SessionManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;
