using Encoder.Metrics;

namespace Encoder.Recording;

/// <summary>
/// The session's segments, in memory: the one place that answers, for a segment, whether it is <b>complete</b>,
/// <b>stored</b> and <b>deletable</b>, and how many wait. Fed from two sources only: the recorder's playlist
/// (<see cref="PlaylistReader"/>, whenever it changes, whatever the uploader is doing) and the upload journal (its
/// replay at the start and each verified upload). The rules:
/// <list type="table">
/// <listheader><term>a segment is</term><description>when</description></listheader>
/// <item><term>complete</term><description>the playlist names it (FFmpeg renames a segment into place before it rewrites the playlist)</description></item>
/// <item><term>stored</term><description>the journal says storage holds it (verified), by this daemon or an earlier one</description></item>
/// <item><term>lost</term><description>the uploader found it complete but on neither the disk nor storage: nothing can store it</description></item>
/// <item><term>pending</term><description>complete, and neither stored nor lost: what <c>ObjectsPending</c> counts</description></item>
/// <item><term>deletable</term><description>its name is a segment's (<see cref="RecordingLayout.IsSegmentFile"/>), it is stored and, while the replay holds the segments (<see cref="HoldForReplay"/>), the replay has taken it in; while the replay's pictures hold them (<see cref="HoldForPictures"/>), they have looked at it</description></item>
/// </list>
/// The lag is the age of the oldest pending segment, from when the ledger learned it was complete. A new playlist costs
/// what it adds; every answer costs the same at any point of the class.
/// </summary>
public sealed class SegmentLedger(TimeProvider time) : IUploadFigures
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, DateTimeOffset At)> _complete = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly HashSet<string> _replayed = new(StringComparer.Ordinal);
    private volatile bool _replayHolds;
    private readonly HashSet<string> _pictured = new(StringComparer.Ordinal);
    private volatile bool _picturesHold;
    private int _settled;
    private int _pending;
    private bool _seen;
    private TimeSpan _longestWait;

    /// <summary>Segments the playlist names.</summary>
    public int RecordedCount
    {
        get
        {
            lock (_lock)
                return _complete.Count;
        }
    }

    /// <summary>Segments storage holds, per the journal.</summary>
    public int StoredCount
    {
        get
        {
            lock (_lock)
                return _stored.Count;
        }
    }

    /// <summary>Complete segments neither stored nor lost; null before the first playlist was read.</summary>
    public int? Pending
    {
        get
        {
            lock (_lock)
                return _seen ? _pending : null;
        }
    }

    /// <summary>How long the oldest pending segment has waited (zero when none does); null before the first playlist was read.</summary>
    public TimeSpan? Lag
    {
        get
        {
            lock (_lock)
                return _seen ? OldestWait(time.GetUtcNow()) : null;
        }
    }

    /// <summary>The playlist as read: its segments are complete. Only the segments after the ones already known are looked at.</summary>
    public void PlaylistRead(HlsPlaylist playlist)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _seen = true;
            var known = _complete.Count;
            if (known > playlist.Segments.Count || (known > 0 && playlist.Segments[known - 1].Uri != _complete[known - 1].Name))
                Forget(); // not the playlist the ledger knew (it was replaced): learn it again
            for (var i = _complete.Count; i < playlist.Segments.Count; i++)
            {
                var name = playlist.Segments[i].Uri;
                _complete.Add((name, now));
                if (_index.TryAdd(name, i) && !_stored.Contains(name) && !_lost.Contains(name))
                    _pending++;
            }

            Settle();
        }
    }

    /// <summary>Storage holds <paramref name="name"/> (a name in the session folder), per the journal. Names that are not segments' are no concern of the ledger.</summary>
    public void Stored(string name)
    {
        if (!RecordingLayout.IsSegmentFile(name))
            return;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_stored.Add(name) || !_index.TryGetValue(name, out var index) || _lost.Contains(name))
                return;
            _pending--;
            var waited = now - _complete[index].At;
            _longestWait = waited > _longestWait ? waited : _longestWait;
            Settle();
        }
    }

    /// <summary>The uploader found <paramref name="name"/> complete but on neither the disk nor storage: it no longer waits.</summary>
    public void Lost(string name)
    {
        lock (_lock)
        {
            if (!_index.ContainsKey(name) || _stored.Contains(name) || !_lost.Add(name))
                return;
            _pending--;
            Settle();
        }
    }

    public bool IsComplete(string name)
    {
        lock (_lock)
            return _index.ContainsKey(name);
    }

    public bool IsStored(string name)
    {
        lock (_lock)
            return _stored.Contains(name);
    }

    /// <summary>True when the local copy of <paramref name="name"/> may go: it is a segment and storage holds it.</summary>
    public bool IsDeletable(string name) =>
        RecordingLayout.IsSegmentFile(name) && IsStored(name) && (!_replayHolds || IsReplayed(name)) && (!_picturesHold || IsPictured(name));

    /// <summary>The replay reads each segment from this disk: none may go before it was taken in (<see cref="Replayed"/>).</summary>
    public void HoldForReplay() => _replayHolds = true;

    /// <summary>The replay gave up: the segments no longer wait for it.</summary>
    public void ReleaseReplayHold() => _replayHolds = false;

    /// <summary>The replay has taken <paramref name="name"/> in: once stored, its local copy may go.</summary>
    public void Replayed(string name)
    {
        lock (_lock)
            _replayed.Add(name);
    }

    private bool IsReplayed(string name)
    {
        lock (_lock)
            return _replayed.Contains(name);
    }

    /// <summary>The replay's pictures (poster, storyboard) read each segment from this disk too: none may go before they looked at it (<see cref="Pictured"/>).</summary>
    public void HoldForPictures() => _picturesHold = true;

    /// <summary>The replay's pictures gave up: the segments no longer wait for them.</summary>
    public void ReleasePicturesHold() => _picturesHold = false;

    /// <summary>The replay's pictures have looked at <paramref name="name"/>: once stored (and taken into the MP4), its local copy may go.</summary>
    public void Pictured(string name)
    {
        lock (_lock)
            _pictured.Add(name);
    }

    private bool IsPictured(string name)
    {
        lock (_lock)
            return _pictured.Contains(name);
    }

    int? IUploadFigures.Pending => Pending;

    /// <summary>The longest wait since the last call: the oldest pending segment's, or a segment's stored meanwhile after a longer one.</summary>
    TimeSpan? IUploadFigures.TakeLag()
    {
        lock (_lock)
        {
            if (!_seen)
                return null;
            var now = OldestWait(time.GetUtcNow());
            var longest = _longestWait > now ? _longestWait : now;
            _longestWait = TimeSpan.Zero;
            return longest;
        }
    }

    /// <summary>Under the lock: the first complete segments that are stored or lost stay so; the next one is the oldest pending.</summary>
    private void Settle()
    {
        while (_settled < _complete.Count && (_stored.Contains(_complete[_settled].Name) || _lost.Contains(_complete[_settled].Name)))
            _settled++;
    }

    private TimeSpan OldestWait(DateTimeOffset now) => _settled < _complete.Count ? now - _complete[_settled].At : TimeSpan.Zero;

    private void Forget()
    {
        _complete.Clear();
        _index.Clear();
        _settled = 0;
        _pending = 0;
    }
}
