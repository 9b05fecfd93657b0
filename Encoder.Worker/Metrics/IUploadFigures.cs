namespace Encoder.Metrics;

/// <summary>
/// Where the upload figures are read at each collection: whoever keeps the segments' state (the segments' ledger), so
/// the figures are current whatever the uploader is doing.
/// </summary>
public interface IUploadFigures
{
    /// <summary>Complete segments not stored yet; null before anything was recorded.</summary>
    int? Pending { get; }

    /// <summary>
    /// The longest any segment has waited to be stored since the last call (the oldest one still waiting, or one stored
    /// meanwhile after a longer wait); null before anything was recorded. One reader: the call starts the next interval.
    /// </summary>
    TimeSpan? TakeLag();
}
