using System.Buffers;
using System.Text.Json;

namespace Encoder.Metrics;

/// <summary>
/// CloudWatch Embedded Metric Format: one JSON line per dimension set and interval. The class's figures go in one
/// document with dimensions <c>[SessionId]</c>; each slot's in its own with <c>[SessionId, Slot]</c> (a document holds
/// one value per name). The <c>_aws</c> block names the namespace, the dimensions and each metric with its unit; the
/// values and the dimension members are at the root. Written with <see cref="Utf8JsonWriter"/> (no reflection, AOT).
/// </summary>
public static class EmfDocument
{
    public const string Namespace = "Encoder";

    /// <summary>The log group the agent puts the documents in (the metrics are extracted from it).</summary>
    public const string LogGroupName = "/encoder/metrics";

    public static IReadOnlyList<byte[]> Render(string sessionId, DateTimeOffset at, IReadOnlyList<MetricPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return points
            .Where(p => double.IsFinite(p.Value))
            .GroupBy(p => p.Slot ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Document(sessionId, g.Key.Length == 0 ? null : g.Key, at, g.ToList()))
            .ToList();
    }

    private static byte[] Document(string sessionId, string? slot, DateTimeOffset at, List<MetricPoint> points)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", at.ToUnixTimeMilliseconds());
            json.WriteString("LogGroupName", LogGroupName);
            json.WriteString("LogStreamName", sessionId);
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("SessionId");
            if (slot is not null)
                json.WriteStringValue("Slot");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var point in points)
            {
                json.WriteStartObject();
                json.WriteString("Name", point.Name);
                json.WriteString("Unit", point.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("SessionId", sessionId);
            if (slot is not null)
                json.WriteString("Slot", slot);
            foreach (var point in points)
                json.WriteNumber(point.Name, point.Value);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
