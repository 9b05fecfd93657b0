using System.Text.Json;
using Encoder.Metrics;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Metrics;

/// <summary>The pure part of the metrics: measurements → one figure per interval → EMF documents.</summary>
public sealed class MetricAggregationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    // kind, values recorded in interval 1, figure of interval 1, figure of interval 2 (nothing recorded)
    [TestCase(MetricKind.Sum, new[] { 1.0, 1.0, 1.0 }, 3.0, 0.0)]
    [TestCase(MetricKind.Sum, new double[0], 0.0, 0.0)]
    [TestCase(MetricKind.Max, new[] { 2.0, 7.5, 3.0 }, 7.5, null)]
    [TestCase(MetricKind.Max, new double[0], null, null)]
    [TestCase(MetricKind.Last, new[] { 1.0, 0.0 }, 0.0, null)]
    public void Each_kind_gives_its_figure_per_interval(MetricKind kind, double[] recorded, double? first, double? second)
    {
        var aggregation = new MetricAggregation();
        aggregation.Declare("M", "Count", kind);
        foreach (var value in recorded)
            aggregation.Add("M", "Count", kind, null, value);

        Assert.That(Figure(aggregation.Take()), Is.EqualTo(first));
        Assert.That(Figure(aggregation.Take()), Is.EqualTo(second));

        static double? Figure(IReadOnlyList<MetricPoint> points) => points.SingleOrDefault(p => p.Name == "M")?.Value;
    }

    [Test]
    public void Slots_are_separate_series_and_values_that_are_not_numbers_are_ignored()
    {
        var aggregation = new MetricAggregation();
        aggregation.Add("IngestUp", "None", MetricKind.Last, "primary", 1);
        aggregation.Add("IngestUp", "None", MetricKind.Last, "secondary", 0);
        aggregation.Add("DiskFreePercent", "Percent", MetricKind.Last, null, double.NaN);

        Assert.That(aggregation.Take(), Is.EqualTo(new[]
        {
            new MetricPoint("IngestUp", "None", "primary", 1),
            new MetricPoint("IngestUp", "None", "secondary", 0),
        }));
    }

    [TestCase("s", "Seconds")]
    [TestCase("%", "Percent")]
    [TestCase("kbit/s", "Kilobits/Second")]
    [TestCase("{frame}/s", "Count/Second")]
    [TestCase("{segment}", "Count")]
    [TestCase("By", "Bytes")]
    [TestCase("1", "None")]
    [TestCase(null, "None")]
    [TestCase("furlongs", "None")]
    public void Instrument_units_map_to_CloudWatch_units(string? ucum, string unit) => Assert.That(EmfUnits.For(ucum), Is.EqualTo(unit));

    [Test]
    public void The_class_figures_make_one_document_with_the_session_dimension()
    {
        var points = new[] { new MetricPoint("Failovers", "Count", null, 1), new MetricPoint("DiskFreePercent", "Percent", null, 42.5) };

        var documents = Parse(EmfDocument.Render("yoga-1", T0, points));

        Assert.That(documents, Has.Count.EqualTo(1));
        var doc = documents[0];
        Assert.That(EmfSpec.Problems(doc, T0), Is.Empty);
        Assert.That(doc.GetRawText(), Is.EqualTo(
            """{"_aws":{"Timestamp":1795510800000,"LogGroupName":"/encoder/metrics","LogStreamName":"yoga-1","CloudWatchMetrics":[{"Namespace":"Encoder","Dimensions":[["SessionId"]],"Metrics":[{"Name":"Failovers","Unit":"Count"},{"Name":"DiskFreePercent","Unit":"Percent"}]}]},"SessionId":"yoga-1","Failovers":1,"DiskFreePercent":42.5}"""));
    }

    [Test]
    public void Each_slot_gets_its_own_document_with_the_session_and_slot_dimensions()
    {
        var points = new[]
        {
            new MetricPoint("RecorderUp", "None", null, 1),
            new MetricPoint("IngestUp", "None", "primary", 1),
            new MetricPoint("IngestUp", "None", "secondary", 0),
        };

        var documents = Parse(EmfDocument.Render("yoga-1", T0, points));

        Assert.That(documents.Select(d => d.TryGetProperty("Slot", out var s) ? s.GetString() : null), Is.EqualTo(new string?[] { null, "primary", "secondary" }));
        Assert.That(documents.SelectMany(d => EmfSpec.Problems(d, T0)), Is.Empty);
        var secondary = documents[2];
        Assert.That(secondary.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").GetRawText(), Is.EqualTo("""[["SessionId","Slot"]]"""));
        Assert.That((secondary.GetProperty("SessionId").GetString(), secondary.GetProperty("IngestUp").GetDouble()), Is.EqualTo(("yoga-1", 0.0)));
    }

    [Test]
    public void No_figures_make_no_document() => Assert.That(EmfDocument.Render("s", T0, []), Is.Empty);

    [Test]
    public void The_spec_check_can_fail()
    {
        using var noUnit = JsonDocument.Parse("""{"_aws":{"Timestamp":"now","CloudWatchMetrics":[{"Namespace":"Encoder","Dimensions":[["SessionId"]],"Metrics":[{"Name":"X","Unit":"Frames"}]}]},"X":"1"}""");

        Assert.That(EmfSpec.Problems(noUnit.RootElement, T0), Has.Count.EqualTo(4));
    }

    [Test]
    public void The_spec_check_judges_the_timestamp_against_the_time_it_is_given_not_the_machine_clock()
    {
        var document = Parse(EmfDocument.Render("yoga-1", T0, [new MetricPoint("Failovers", "Count", null, 1)]))[0];

        Assert.That(EmfSpec.Problems(document, T0.AddHours(23)), Is.Empty);
        Assert.That(EmfSpec.Problems(document, T0.AddDays(2)), Has.Count.EqualTo(1));
    }

    private static List<JsonElement> Parse(IReadOnlyList<byte[]> documents) =>
        documents.Select(d => JsonDocument.Parse(d).RootElement.Clone()).ToList();
}
