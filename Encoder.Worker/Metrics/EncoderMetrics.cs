using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Encoder.Events;
using Encoder.Ffmpeg;

namespace Encoder.Metrics;

/// <summary>
/// The daemon's figures as <see cref="System.Diagnostics.Metrics"/> instruments on one <see cref="Meter"/> named
/// <c>Encoder</c>, kept from the class's events (<see cref="ClassEvents"/>: the router's failover, the recorder's
/// progress with its rates, the playlist's reader what was recorded); whether the recorder is up is read from <see cref="RecorderHealth"/>, and
/// what waits to be stored is read at each collection from <see cref="IUploadFigures"/> (the segments' ledger), so a
/// blocked upload cannot freeze it; how the figures leave the process (<see cref="EmfExporter"/>, or an OpenTelemetry
/// exporter) is a listener's business, not theirs. Counters count events; gauges report the state as of the collection.
/// Instrument names are the CloudWatch metric names; units are UCUM (<see cref="EmfUnits"/> maps them).
/// </summary>
public sealed class EncoderMetrics : IClassEventSubscriber
{
    public const string MeterName = "Encoder";
    public const string SlotTag = "Slot";

    private readonly TimeProvider _time;
    private readonly RecorderHealth _recorder;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _cameraOutages;
    private readonly Counter<long> _segmentsRecorded;
    private readonly Counter<double> _recordedSeconds;
    private readonly Counter<long> _relayDropped;
    private readonly IUploadFigures? _uploads;
    private readonly ConcurrentDictionary<string, int> _ingestUp = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private bool _classStarted;
    private DateTimeOffset? _ingestsDownSince;
    private int? _onSecondary;
    private double? _diskFreePercent;
    private long? _uploadsPendingAtEnd;
    private double _framesPerSecond;
    private double _bitrateKbps;
    private (int Count, double Seconds)? _playlist;
    private (bool Up, DateTimeOffset? StaleSince)? _playback; // null while the playback watch is not watching
    private readonly ConcurrentDictionary<ContentCondition, DateTimeOffset?> _contentSince = new();

    /// <param name="uploads">Where <c>ObjectsPending</c> and <c>UploadLagSeconds</c> are read; without it they report only the drain's end.</param>
    public EncoderMetrics(IMeterFactory meters, TimeProvider time, RecorderHealth recorder, IUploadFigures? uploads = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        _recorder = recorder;
        _uploads = uploads;
        Meter = meters.Create(MeterName);
        _failovers = Meter.CreateCounter<long>("Failovers", "{failover}", "Failovers from the primary ingest to the secondary.");
        _cameraOutages = Meter.CreateCounter<long>("CameraOutages", "{outage}", "Camera (recorder) outages that began.");
        _segmentsRecorded = Meter.CreateCounter<long>("SegmentsRecorded", "{segment}", "HLS segments the playlist gained.");
        _recordedSeconds = Meter.CreateCounter<double>("RecordedSeconds", "s", "Media seconds the playlist gained.");
        _relayDropped = Meter.CreateCounter<long>("RelayDroppedDatagrams", "{datagram}", "Datagrams the relay dropped (not whole MPEG-TS packets).");
        Meter.CreateObservableGauge("UploadLagSeconds", () => Value(_uploads?.TakeLag() is { } lag ? Math.Round(lag.TotalSeconds, 1) : (double?)null), "s",
            "The longest, in the interval, any complete segment waited to be stored (the oldest one not stored yet, or one stored meanwhile).");
        Meter.CreateObservableGauge("RecorderUp", () => Value(_recorder.Started ? _recorder.IsUp ? 1 : 0 : null), "1", "1 while the recorder streams from the camera, else 0 (from the class's start).");
        Meter.CreateObservableGauge("IngestUp", IngestUp, "1", "Per slot: 1 while its egress streams to the ingest, else 0.");
        Meter.CreateObservableGauge("OnSecondary", () => Value(_onSecondary), "1", "1 while the stream goes to the secondary ingest, else 0.");
        Meter.CreateObservableGauge("ObjectsPending", () => Value(_uploadsPendingAtEnd ?? _uploads?.Pending), "{object}",
            "Segments complete on disk and not stored yet; after the drain, every object left only on this machine.");
        Meter.CreateObservableGauge("DiskFreePercent", () => Value(_diskFreePercent), "%", "Free space on the recording disk.");
        Meter.CreateObservableGauge("FramesPerSecond", () => Value(_recorder.Started ? _framesPerSecond : null), "{frame}/s", "Frames the recorder writes per second.");
        Meter.CreateObservableGauge("BitrateKbps", () => Value(_recorder.Started ? _bitrateKbps : null), "kbit/s", "What the recorder writes, in kilobits per second.");
        Meter.CreateObservableGauge("RecorderDownSeconds", () => Value(Since(_recorder.DownSince)), "s",
            "How long the recorder has been down (0 while it streams): what the recorder-down alarm reads.");
        Meter.CreateObservableGauge("IngestsDownSeconds", () => Value(Since(_ingestsDownSince)), "s",
            "How long no ingest slot has streamed (0 while one does), from the class's start: what the both-ingests-down alarm reads.");
        Meter.CreateObservableGauge("VideoBlackSeconds", () => Value(ContentLasting(ContentCondition.Black)), "s",
            "How long the picture has been black (0 when it is not), from the content watch's first measurement: what the black-picture alarm reads.");
        Meter.CreateObservableGauge("VideoFrozenSeconds", () => Value(ContentLasting(ContentCondition.Frozen)), "s",
            "How long the picture has been frozen (0 when it moves): what the frozen-picture alarm reads.");
        Meter.CreateObservableGauge("AudioSilentSeconds", () => Value(ContentLasting(ContentCondition.Silent)), "s",
            "How long the sound has been silent (0 when it is heard): what the silent-audio alarm reads.");
        Meter.CreateObservableGauge("UploadsPendingAtEnd", () => Value(_uploadsPendingAtEnd), "{object}", "Reported once, at the drain: objects left only on this machine.");
        Meter.CreateObservableGauge("PlaybackUp", () => Value(_playback is { } p ? p.Up ? 1 : 0 : null), "1",
            "While the playback watch runs (Playback:LiveUrl, the class on air): 1 while the CDN's live playlist advances, else 0 (also before its first advance).");
        Meter.CreateObservableGauge("PlaybackStaleSeconds", () => Value(_playback is { } p ? p.StaleSince is { } since ? Math.Round((_time.GetUtcNow() - since).TotalSeconds, 1) : 0 : null), "s",
            "How long the CDN's live playlist has not advanced, once judged stale (0 otherwise): what the playback-stale alarm reads.");
    }

    public Meter Meter { get; }

    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case RecorderRunStarting:
                ClassStarted();
                return;
            case RecorderProgressed progress:
                Rates(progress.FramesPerSecond, progress.BitrateKbps); // null: the run has not measured a window yet
                return;
            case RecorderRunEnded:
                Rates(0, 0); // a run's rates are gone with it
                return;
            case RecorderFailed { Report: FailureReport.OutageStarted }:
                _cameraOutages.Add(1);
                return;
            case IngestStreaming streaming:
                IngestUpdated(streaming.Slot, up: true);
                return;
            case IngestEnded ended:
                IngestUpdated(ended.Slot, up: false);
                return;
            case IngestActivated activated:
                _onSecondary = activated.Secondary ? 1 : 0;
                if (activated.Failover)
                    _failovers.Add(1);
                return;
            case PlaylistUpdated playlist:
                Playlist(playlist.Segments, playlist.Duration);
                return;
            case DrainEnded drain:
                _uploadsPendingAtEnd = drain.Pending.Count;
                return;
            case DiskChecked disk:
                _diskFreePercent = Math.Round(disk.FreePercent, 1);
                return;
            case RelayDatagramDropped:
                _relayDropped.Add(1);
                return;
            case PlaybackWatchBegan:
                lock (_lock)
                    _playback = (false, null);
                return;
            case PlaybackLive or PlaybackRecovered:
                lock (_lock)
                    _playback = (true, null);
                return;
            case PlaybackStale stale:
                lock (_lock)
                    _playback = (false, stale.Since);
                return;
            case PlaybackWatchEnded:
                lock (_lock)
                    _playback = null;
                return;
            case ContentMeasured:
                _contentSince.TryAdd(ContentCondition.Black, null); // the watch measures: its gauges are reported from now
                return;
            case ContentConditionStarted started:
                _contentSince[started.Condition] = started.Since;
                return;
            case ContentConditionEnded ended:
                _contentSince[ended.Condition] = null;
                return;
            default:
                return;
        }
    }

    /// <summary>A recorder run starts: the class has begun, so from now on the ingests are reported up or down.</summary>
    private void ClassStarted()
    {
        lock (_lock)
        {
            if (_classStarted)
                return;
            _classStarted = true;
            _ingestsDownSince ??= _ingestUp.Values.Any(up => up == 1) ? null : _time.GetUtcNow();
        }
    }

    private void Rates(double? framesPerSecond, double? bitrateKbps)
    {
        lock (_lock)
            (_framesPerSecond, _bitrateKbps) = (framesPerSecond ?? _framesPerSecond, bitrateKbps ?? _bitrateKbps);
    }

    private void IngestUpdated(string slot, bool up)
    {
        lock (_lock)
        {
            _ingestUp[slot] = up ? 1 : 0;
            if (up)
                _ingestsDownSince = null;
            else if (_ingestUp.Values.All(u => u == 0))
                _ingestsDownSince ??= _time.GetUtcNow();
        }
    }

    /// <summary>The playlist as read (once per change): what it gained since the last look is what was recorded (the first look is the baseline).</summary>
    private void Playlist(int segments, TimeSpan duration)
    {
        lock (_lock)
        {
            if (_playlist is { } last && segments > last.Count)
            {
                _segmentsRecorded.Add(segments - last.Count);
                _recordedSeconds.Add(Math.Max(0, duration.TotalSeconds - last.Seconds));
            }

            if (_playlist is null || segments > _playlist.Value.Count)
                _playlist = (segments, duration.TotalSeconds);
        }
    }

    /// <summary>Seconds since <paramref name="since"/>; 0 when it is null but the figure is reported (the class started).</summary>
    private double? Since(DateTimeOffset? since) =>
        since is { } at ? Math.Round((_time.GetUtcNow() - at).TotalSeconds, 1) : _recorder.Started ? 0 : null;

    /// <summary>Seconds a content condition has lasted; 0 when it is not going on; nothing before the content watch measured.</summary>
    private double? ContentLasting(ContentCondition condition) => _contentSince.IsEmpty
        ? null
        : _contentSince.GetValueOrDefault(condition) is { } since ? Math.Round((_time.GetUtcNow() - since).TotalSeconds, 1) : 0;

    private static IEnumerable<Measurement<double>> Value(double? value) => value is { } v ? [new Measurement<double>(v)] : [];

    private static IEnumerable<Measurement<double>> Value(long? value) => Value(value is { } v ? (double)v : null);

    private static IEnumerable<Measurement<double>> Value(int? value) => Value(value is { } v ? (double)v : null);

    private IEnumerable<Measurement<double>> IngestUp() =>
        _ingestUp.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Measurement<double>(kv.Value, new KeyValuePair<string, object?>(SlotTag, kv.Key)))
            .ToList();
}
