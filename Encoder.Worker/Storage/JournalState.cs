using System.Globalization;

namespace Encoder.Storage;

/// <summary>A daemon restart seen in the journal: the last thing the earlier daemon wrote, and when the next one started.</summary>
public sealed record DaemonRestart(DateTimeOffset LastSeen, DateTimeOffset Restarted);

/// <summary>
/// What the upload journal says, replayed from its lines (pure). Lines are tab-separated:
/// <c>start {time}</c> when a daemon starts, <c>begin {time} {destination}</c> before an upload, and
/// <c>stored {time} {destination} {md5} {size}</c> once it is verified. A torn last line (the daemon was killed while
/// writing it) is ignored.
/// </summary>
public sealed class JournalState
{
    private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly List<DaemonRestart> _restarts = [];
    private DateTimeOffset? _lastSeen;

    /// <summary>Destination → MD5 of what is stored there (the latest verified upload).</summary>
    public IReadOnlyDictionary<string, string> Stored => _stored;

    /// <summary>Uploads that began but were never confirmed: the daemon died during them; the object may or may not be there.</summary>
    public IReadOnlySet<string> InFlight => _inFlight;

    /// <summary>When the first daemon of this session started.</summary>
    public DateTimeOffset? FirstStart { get; private set; }

    public IReadOnlyList<DaemonRestart> Restarts => _restarts;

    public bool IsStored(string destination) => _stored.ContainsKey(destination);

    public bool IsStored(string destination, string md5) => _stored.TryGetValue(destination, out var stored) && stored == md5;

    public static JournalState Replay(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var state = new JournalState();
        foreach (var line in lines)
            state.Apply(line);
        return state;
    }

    public static string StartLine(DateTimeOffset at) => $"start\t{Time(at)}";

    public static string BeginLine(DateTimeOffset at, string destination) => $"begin\t{Time(at)}\t{destination}";

    public static string StoredLine(DateTimeOffset at, string destination, string md5, long size) =>
        string.Create(CultureInfo.InvariantCulture, $"stored\t{Time(at)}\t{destination}\t{md5}\t{size}");

    /// <summary>Applies one line; returns false (and changes nothing) when it is not a whole, known line.</summary>
    public bool Apply(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split('\t');
        if (fields.Length < 2 || !DateTimeOffset.TryParseExact(fields[1], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return false;
        switch (fields[0])
        {
            case "start" when fields.Length == 2:
                FirstStart ??= at;
                if (_lastSeen is { } lastSeen)
                    _restarts.Add(new DaemonRestart(lastSeen, at));
                break;
            case "begin" when fields.Length == 3 && fields[2].Length > 0:
                _inFlight.Add(fields[2]);
                break;
            case "stored" when fields.Length == 5 && fields[3].Length == 32 && long.TryParse(fields[4], CultureInfo.InvariantCulture, out _):
                _inFlight.Remove(fields[2]);
                _stored[fields[2]] = fields[3];
                break;
            default:
                return false;
        }

        _lastSeen = at;
        return true;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
