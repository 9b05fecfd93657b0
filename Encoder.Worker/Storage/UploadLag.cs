namespace Encoder.Storage;

/// <summary>
/// How far the upload is behind: how long the oldest object not yet stored has been waiting, counted from the first
/// pass that found it pending. Zero when nothing waits. Each pass gives the keys still left (<see cref="PassResult.Left"/>).
/// </summary>
public sealed class UploadLag
{
    private readonly Dictionary<string, DateTimeOffset> _pendingSince = new(StringComparer.Ordinal);

    public TimeSpan Observe(IReadOnlyCollection<string> left, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(left);
        foreach (var stored in _pendingSince.Keys.Where(key => !left.Contains(key)).ToList())
            _pendingSince.Remove(stored);
        foreach (var key in left)
            _pendingSince.TryAdd(key, now);
        return _pendingSince.Count == 0 ? TimeSpan.Zero : now - _pendingSince.Values.Min();
    }
}
