using Encoder.Events;

namespace Encoder.Status;

/// <summary>
/// status.json's <c>content</c>, kept from the content watch's events (<see cref="ContentMeasured"/>,
/// <see cref="ContentConditionStarted"/>, <see cref="ContentConditionEnded"/>); not thread-safe (<see cref="EncoderStatus"/> locks).
/// </summary>
internal sealed class ContentStatus
{
    private readonly Dictionary<ContentCondition, Condition> _conditions = Enum.GetValues<ContentCondition>().ToDictionary(c => c, _ => new Condition());
    private bool _heard;
    private DateTimeOffset? _measuredAt;
    private double? _luma;
    private double? _change;
    private double? _levelDbfs;

    /// <summary>Takes the event if it is the watch's; true when a condition started or ended (the status is written at once then).</summary>
    public bool Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case ContentMeasured measured:
                _heard = true;
                _measuredAt = measured.At;
                _luma = measured.Luma ?? _luma;
                _change = measured.Luma is null ? _change : measured.Change;
                _levelDbfs = measured.LevelDbfs ?? _levelDbfs;
                return false;
            case ContentConditionStarted started:
                _heard = true;
                _conditions[started.Condition].Since = started.Since;
                _conditions[started.Condition].Count++;
                return true;
            case ContentConditionEnded ended:
                _heard = true;
                _conditions[ended.Condition].Since = null;
                _conditions[ended.Condition].LastSeconds = Math.Round(ended.Lasted.TotalSeconds, 1);
                return true;
            default:
                return false;
        }
    }

    /// <summary>How long <paramref name="condition"/> has lasted at <paramref name="now"/>; null when it is not going on.</summary>
    public TimeSpan? Lasting(ContentCondition condition, DateTimeOffset now) => _conditions[condition].Since is { } since ? now - since : null;

    public ContentSnapshot? ToSnapshot(DateTimeOffset now) => _heard
        ? new ContentSnapshot(Of(ContentCondition.Black, now), Of(ContentCondition.Frozen, now), Of(ContentCondition.Silent, now), _measuredAt, _luma, _change, _levelDbfs)
        : null;

    private ContentConditionSnapshot Of(ContentCondition condition, DateTimeOffset now)
    {
        var c = _conditions[condition];
        return new ContentConditionSnapshot(c.Since is not null, c.Since is { } since ? Math.Round((now - since).TotalSeconds, 1) : 0, c.Since, c.Count, c.LastSeconds);
    }

    private sealed class Condition
    {
        public DateTimeOffset? Since { get; set; }

        public int Count { get; set; }

        public double? LastSeconds { get; set; }
    }
}
