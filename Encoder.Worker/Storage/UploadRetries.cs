using Encoder.Events;
using Encoder.Resilience;

namespace Encoder.Storage;

/// <summary>What a failed object means for the pass (<see cref="UploadRetries.Failed"/>).</summary>
public enum FailureVerdict
{
    /// <summary>The object's own failure: it waits for its own retry (<see cref="UploadBackoff"/>) and the pass goes on with the next object.</summary>
    ObjectFails,

    /// <summary>Not known yet: the pass goes on, and the next object tells (stored: the failure was the object's; failed too: the storage's).</summary>
    Suspect,

    /// <summary>The storage as a whole: the pass stops and the uploader waits out the outage; no object is blamed.</summary>
    StorageDown,
}

/// <summary>What a pass proved about the storage, for <see cref="StorageOutage"/>.</summary>
public enum StorageState
{
    /// <summary>An object went up, or there was nothing to store: any outage is over.</summary>
    Works,

    /// <summary>The storage is away (or nothing showed otherwise): one outage, one backoff.</summary>
    Down,

    /// <summary>Nothing went up and nothing showed an outage (a lone failure, or only objects known to fail on their own): nothing learned.</summary>
    Unknown,
}

/// <summary>An object blamed for its own failure, to report: <see cref="FailureReport.OutageStarted"/> the first time, then a reminder once a minute.</summary>
public sealed record StuckObject(string Key, string Reason, int Failures, DateTimeOffset Since, FailureReport Report);

/// <summary>
/// Which objects fail on their own, and when each is tried again (pure: time is passed in). The one place that tells an
/// object that keeps failing from storage that is away, so one object never holds back the others and an outage is
/// still one backoff, not a retry loop per object:
/// <list type="table">
/// <listheader><term>a failure of an object</term><description>means</description></listheader>
/// <item><term>storage-wide (unreachable, timed out, no such bucket, credentials)</term><description><see cref="FailureVerdict.StorageDown"/></description></item>
/// <item><term>other, the object failed on its own before</term><description><see cref="FailureVerdict.ObjectFails"/></description></item>
/// <item><term>other, the object never failed on its own, no suspect yet in this pass</term><description><see cref="FailureVerdict.Suspect"/></description></item>
/// <item><term>other, the object never failed on its own, a suspect already in this pass</term><description><see cref="FailureVerdict.StorageDown"/>: two in a row; neither is blamed</description></item>
/// <item><term>the next object is stored</term><description>the suspect is blamed (<see cref="FailureVerdict.ObjectFails"/>)</description></item>
/// <item><term>the pass ends with a suspect</term><description>blamed if the pass stored anything; else nothing is known
/// (<see cref="StorageState.Unknown"/>): it is tried again on the next pass, and blamed once another object goes up or taken
/// for an outage once another fails</description></item>
/// </list>
/// A blamed object waits <see cref="UploadBackoff"/>'s delay for its failure count (0.5 s doubling to 15 s) and is then
/// tried again in its place; once stored it is forgotten.
/// </summary>
public sealed class UploadRetries
{
    public static readonly TimeSpan ReminderInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Retry> _stuck = new(StringComparer.Ordinal);
    private readonly List<StuckObject> _blamed = [];
    private (string Key, string Reason)? _suspect;
    private bool _storedInPass;
    private bool _down;

    /// <summary>The objects that failed on their own and are not stored yet.</summary>
    public IReadOnlyCollection<string> Stuck => _stuck.Keys;

    /// <summary>When the next stuck object is due; null when none is stuck.</summary>
    public DateTimeOffset? NextRetry => _stuck.Count == 0 ? null : _stuck.Values.Min(r => r.Next);

    /// <summary>The stuck objects still waiting for their retry at <paramref name="now"/>: not to be tried.</summary>
    public HashSet<string> Held(DateTimeOffset now) =>
        _stuck.Where(s => s.Value.Next > now).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

    public void BeginPass()
    {
        _suspect = null;
        _storedInPass = false;
        _down = false;
    }

    public FailureVerdict Failed(string key, string reason, bool storageWide, DateTimeOffset now)
    {
        if (storageWide)
            return Down();
        if (_stuck.ContainsKey(key))
        {
            Blame(key, reason, now);
            return FailureVerdict.ObjectFails;
        }

        if (_suspect is not null)
            return Down();
        _suspect = (key, reason);
        return FailureVerdict.Suspect;
    }

    /// <summary>An object went up: the suspect before it (if any) failed on its own. Returns how often the object had failed on its own.</summary>
    public int Stored(string key, DateTimeOffset now)
    {
        _storedInPass = true;
        BlameSuspect(now);
        return _stuck.Remove(key, out var retry) ? retry.Streak.Failures : 0;
    }

    public StorageState EndPass(DateTimeOffset now, bool triedAny)
    {
        if (!_storedInPass)
            _suspect = null; // a lone failure tells nothing: tried again on the next pass, nobody blamed
        BlameSuspect(now);
        return _down ? StorageState.Down : _storedInPass || !triedAny ? StorageState.Works : StorageState.Unknown;
    }

    /// <summary>The objects blamed since the last call, to report.</summary>
    public IReadOnlyList<StuckObject> TakeBlamed()
    {
        var blamed = _blamed.ToList();
        _blamed.Clear();
        return blamed;
    }

    private FailureVerdict Down()
    {
        _suspect = null;
        _down = true;
        return FailureVerdict.StorageDown;
    }

    private void BlameSuspect(DateTimeOffset now)
    {
        if (_suspect is { } suspect)
            Blame(suspect.Key, suspect.Reason, now);
        _suspect = null;
    }

    private void Blame(string key, string reason, DateTimeOffset now)
    {
        if (!_stuck.TryGetValue(key, out var retry))
            _stuck[key] = retry = new Retry(new FailureStreak(ReminderInterval));
        var report = retry.Streak.Failed(now, reason);
        retry.Next = now + UploadBackoff.Delay(retry.Streak.Failures);
        _blamed.Add(new StuckObject(key, reason, retry.Streak.Failures, retry.Streak.StartedAt ?? now, report));
    }

    private sealed class Retry(FailureStreak streak)
    {
        public FailureStreak Streak { get; } = streak;

        public DateTimeOffset Next { get; set; }
    }
}
