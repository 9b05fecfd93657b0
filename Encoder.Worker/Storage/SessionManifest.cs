using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Configuration;
using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>One fault's time span, in <c>session.json</c>'s <c>faults</c>.</summary>
public sealed record FaultSpan(DateTimeOffset StartedAt, DateTimeOffset EndedAt, double Seconds);

/// <summary>What went wrong during the class and was ridden out: failovers between ingests, camera, storage and daemon outages.</summary>
public sealed record SessionFaults(
    int Failovers,
    int Returns,
    double? LastFailoverSeconds,
    IReadOnlyList<FaultSpan> CameraOutages,
    IReadOnlyList<FaultSpan> StorageOutages,
    IReadOnlyList<FaultSpan> DaemonRestarts);

/// <summary>The failover figures of this daemon's run (<see cref="IFailoverFigures"/>).</summary>
public sealed record FailoverCounts(int Failovers, int Returns, double? LastFailoverSeconds)
{
    public static readonly FailoverCounts None = new(0, 0, null);
}

/// <summary>One run of the class: a daemon that recorded it, from its start to its last word (for the last run: the manifest's time).</summary>
public sealed record SessionRun(DateTimeOffset StartedAt, DateTimeOffset EndedAt);

/// <summary>
/// The class at a glance, stored as <c>session.json</c> beside the recording, last: its arrival tells a CMS the recording
/// is ready (<see cref="Outcome"/> says whether it is whole).
/// </summary>
public sealed record SessionManifest(
    string SessionId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    int SegmentCount,
    string PlaylistKey,
    bool Complete,
    IReadOnlyList<string> IngestSlotsUsed,
    IReadOnlyList<Outage> Outages,
    string Outcome = SessionOutcome.Complete,
    MissingParts? Missing = null,
    SessionFaults? Faults = null,
    string? PlaybackUrl = null,
    IReadOnlyList<SessionRun>? Runs = null,
    PreflightOutcome? Preflight = null,
    ReplayManifest? Replay = null)
{
    /// <summary>
    /// Builds the manifest (pure): daemon restarts from the journal join the outages this daemon saw, in time order. With
    /// <paramref name="earlier"/> (runs on another machine, or before this one lost its folder, as storage told them) the class
    /// starts at its first run, their outages, failovers and ingest slots join this folder's, and the time between their last
    /// run and this folder's first is a daemon outage. <see cref="Runs"/> lists every run: the earlier ones, then one per start
    /// of this folder's journal.
    /// </summary>
    /// <param name="notStored">Names in the session folder storage does not hold when the manifest goes up.</param>
    /// <param name="playbackBaseUrl"><c>Playback:BaseUrl</c>: the playback URL is it, <c>/</c>, and the playlist's key.</param>
    public static SessionManifest Build(
        string sessionId, DateTimeOffset startedAt, DateTimeOffset endedAt, HlsPlaylist playlist, string playlistKey,
        IReadOnlyList<string> ingestSlots, IEnumerable<Outage> outages, IEnumerable<DaemonRestart> restarts,
        IReadOnlyCollection<string>? notStored = null, FailoverCounts? failovers = null, string? playbackBaseUrl = null, EarlierRuns? earlier = null)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        ArgumentNullException.ThrowIfNull(restarts);
        var restartList = restarts.ToList();
        var runs = (earlier?.Runs ?? [])
            .Concat(new[] { startedAt }.Concat(restartList.Select(r => r.Restarted))
                .Zip(restartList.Select(r => r.LastSeen).Append(endedAt), (start, end) => new SessionRun(start, end)))
            .ToList();
        var all = outages
            .Concat(restartList.Select(r => new Outage(Outage.Daemon, r.LastSeen, r.Restarted, "the daemon stopped unexpectedly and was restarted")))
            .Concat(earlier?.Outages ?? [])
            .Concat(earlier?.Runs is [.., var last] && last.EndedAt < startedAt
                ? [new Outage(Outage.Daemon, last.EndedAt, startedAt, "the class was started again without its recording folder and continued what storage held")]
                : [])
            .OrderBy(o => o.StartedAt)
            .ToList();
        var outcome = SessionOutcome.Decide(playlist.Segments.Count, notStored ?? [], all);
        failovers ??= FailoverCounts.None;
        if (earlier is { Runs.Count: > 0 })
        {
            failovers = new FailoverCounts(failovers.Failovers + earlier.Failovers, failovers.Returns + earlier.Returns,
                failovers.LastFailoverSeconds ?? earlier.LastFailoverSeconds);
            ingestSlots = earlier.IngestSlotsUsed.Union(ingestSlots, StringComparer.Ordinal).ToList();
            startedAt = earlier.FirstStartedAt < startedAt ? earlier.FirstStartedAt : startedAt;
        }

        var faults = new SessionFaults(failovers.Failovers, failovers.Returns, failovers.LastFailoverSeconds,
            Spans(all, Outage.Camera), Spans(all, Outage.Storage), Spans(all, Outage.Daemon));
        return new SessionManifest(sessionId, startedAt, endedAt, Math.Round(playlist.TotalDuration.TotalSeconds, 3), playlist.Segments.Count,
            playlistKey, playlist.HasEndList, ingestSlots, all, outcome.Outcome, outcome.Missing, faults,
            string.IsNullOrEmpty(playbackBaseUrl) ? null : $"{playbackBaseUrl.TrimEnd('/')}/{playlistKey}", runs);
    }

    private static List<FaultSpan> Spans(IEnumerable<Outage> outages, string kind) =>
        outages.Where(o => o.Kind == kind).Select(o => new FaultSpan(o.StartedAt, o.EndedAt, o.Seconds)).ToList();

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.SessionManifest);

    /// <summary>A stored <c>session.json</c> read back; null when it is not one.</summary>
    public static SessionManifest? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ManifestJson.Default.SessionManifest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Gathers what <c>session.json</c> says at the drain: the journal's first start and restarts, this daemon's outages and failovers, the ingest slots that carried the stream.</summary>
/// <param name="preflight">This daemon's pre-flight (<c>preflight</c>), none when not given (tests).</param>
public sealed class SessionManifestSource(
    EncoderOptions options, UploadJournal journal, SessionOutages outages, IFailoverFigures status, TimeProvider time, SessionPreflight? preflight = null)
{
    /// <param name="playlistText">The playlist as FFmpeg wrote it (null if it wrote none): the manifest describes its final VOD form.</param>
    /// <param name="notStoredKeys">The store keys (<c>{SessionId}/…</c>) storage does not hold as the manifest goes up.</param>
    /// <param name="replay">The replay as the drain finished it (<see cref="IReplayFinisher"/>); null where there is none to list.</param>
    public byte[] Json(string? playlistText, IEnumerable<string>? notStoredKeys = null, ReplayManifest? replay = null)
    {
        var now = time.GetUtcNow();
        var playlistKey = StorageKeys.ObjectKey(options.Storage.Kind == StorageKind.S3 ? options.Storage.Prefix : null,
            StorageKeys.For(options.SessionId, StorageKeys.PlaylistName));
        var folder = StorageKeys.SessionFolder(options.SessionId);
        var notStored = (notStoredKeys ?? [])
            .Select(k => k.StartsWith(folder, StringComparison.Ordinal) ? k[folder.Length..] : k)
            .Where(n => n.Length > 0 && n != StorageKeys.ManifestName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return (SessionManifest.Build(options.SessionId, journal.State.FirstStart ?? now, now,
            HlsPlaylist.Parse(playlistText is null ? "" : HlsPlaylist.AsFinal(playlistText)), playlistKey,
            status.SlotsThatStreamed(), outages.All, journal.State.Restarts, notStored,
            new FailoverCounts(status.Failovers, status.Returns, status.LastFailoverTook is { } took ? Math.Round(took.TotalSeconds, 2) : null),
            options.Playback.BaseUrl, EarlierRuns.Read(new RecordingLayout(options).SessionDirectory)) with { Preflight = preflight?.Outcome, Replay = replay }).ToJson();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionManifest))]
[JsonSerializable(typeof(EarlierRuns))]
internal sealed partial class ManifestJson : JsonSerializerContext;
