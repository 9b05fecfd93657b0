using System.Diagnostics.Metrics;

namespace Encoder.Metrics;

/// <summary>
/// Listens to one <see cref="Meter"/>'s instruments and hands their figures out once per interval (<see cref="Collect"/>):
/// counters summed, histograms at their maximum, observable gauges read at the collection. Only the <c>Slot</c> tag is
/// kept (it becomes a dimension); what the figures turn into is <see cref="EmfDocument"/>'s business.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly MetricAggregation _aggregation = new();
    private readonly Lock _lock = new();

    public MetricsCollector(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter))
                return;
            lock (_lock)
                _aggregation.Declare(instrument.Name, EmfUnits.For(instrument.Unit), KindOf(instrument));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The figures since the last collection; observable instruments are read now.</summary>
    public IReadOnlyList<MetricPoint> Collect()
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
            return _aggregation.Take();
    }

    public void Dispose() => _listener.Dispose();

    private static MetricKind KindOf(Instrument instrument) => instrument switch
    {
        Histogram<long> or Histogram<int> or Histogram<double> => MetricKind.Max,
        Counter<long> or Counter<int> or Counter<double> or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => MetricKind.Sum,
        _ => MetricKind.Last,
    };

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? slot = null;
        foreach (var tag in tags)
        {
            if (tag.Key == EncoderMetrics.SlotTag)
                slot = tag.Value?.ToString();
        }

        lock (_lock)
            _aggregation.Add(instrument.Name, EmfUnits.For(instrument.Unit), KindOf(instrument), slot, value);
    }
}
