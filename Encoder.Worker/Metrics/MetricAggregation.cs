namespace Encoder.Metrics;

/// <summary>How an instrument's measurements become one figure per interval.</summary>
public enum MetricKind
{
    /// <summary>A counter: the sum of what was added in the interval; 0 when nothing was (so an alarm sees "none", not "no data").</summary>
    Sum,

    /// <summary>A histogram: the largest value recorded in the interval; nothing when none was.</summary>
    Max,

    /// <summary>A gauge: its value as observed at the collection.</summary>
    Last,
}

/// <summary>One figure of one interval: a metric, its CloudWatch unit, the slot it is about (none for the class) and its value.</summary>
public sealed record MetricPoint(string Name, string Unit, string? Slot, double Value);

/// <summary>
/// Turns measurements into one <see cref="MetricPoint"/> per metric and slot per interval (<see cref="Take"/>). Pure and
/// not thread-safe: <see cref="MetricsCollector"/> feeds it under its lock.
/// </summary>
public sealed class MetricAggregation
{
    private readonly Dictionary<(string Name, string? Slot), Series> _series = [];

    /// <summary>Makes a counter report 0 from the first interval, before anything was counted.</summary>
    public void Declare(string name, string unit, MetricKind kind)
    {
        if (kind == MetricKind.Sum && !_series.ContainsKey((name, null)))
            _series[(name, null)] = new Series(unit, kind) { Value = 0, Seen = true };
    }

    public void Add(string name, string unit, MetricKind kind, string? slot, double value)
    {
        if (!double.IsFinite(value))
            return;
        if (!_series.TryGetValue((name, slot), out var series))
            _series[(name, slot)] = series = new Series(unit, kind);
        series.Value = kind switch
        {
            MetricKind.Sum => (series.Seen ? series.Value : 0) + value,
            MetricKind.Max => series.Seen ? Math.Max(series.Value, value) : value,
            _ => value,
        };
        series.Seen = true;
    }

    /// <summary>The interval's figures, by name then slot; then the next interval begins (sums at 0, the rest unseen).</summary>
    public IReadOnlyList<MetricPoint> Take()
    {
        var points = _series
            .Where(kv => kv.Value.Seen)
            .OrderBy(kv => kv.Key.Slot ?? "", StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
            .Select(kv => new MetricPoint(kv.Key.Name, kv.Value.Unit, kv.Key.Slot, kv.Value.Value))
            .ToList();
        foreach (var series in _series.Values)
        {
            series.Seen = series.Kind == MetricKind.Sum;
            series.Value = 0;
        }

        return points;
    }

    private sealed class Series(string unit, MetricKind kind)
    {
        public string Unit { get; } = unit;
        public MetricKind Kind { get; } = kind;
        public double Value { get; set; }
        public bool Seen { get; set; }
    }
}
