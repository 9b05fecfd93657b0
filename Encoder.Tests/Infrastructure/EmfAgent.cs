using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// Stands in for the CloudWatch agent's EMF listener: a loopback TCP listener on a free port that reads newline-delimited
/// JSON documents from any number of connections. Stopped by its own handle.
/// </summary>
internal sealed class EmfAgent : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<JsonElement> _documents = new();
    private readonly ConcurrentQueue<string> _malformed = new();

    private EmfAgent(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"tcp://127.0.0.1:{Port}";

    public IReadOnlyList<JsonElement> Documents => _documents.ToList();

    public IReadOnlyList<string> Malformed => _malformed.ToList();

    public static EmfAgent Start(int port = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new EmfAgent(listener);
    }

    /// <summary>The documents for the class (dimensions [SessionId]), in arrival order.</summary>
    public IReadOnlyList<JsonElement> ClassDocuments(string sessionId) =>
        Documents.Where(d => d.GetProperty("SessionId").GetString() == sessionId && !d.TryGetProperty("Slot", out _)).ToList();

    /// <summary>Every value a metric took in the class's documents.</summary>
    public IReadOnlyList<double> Values(string sessionId, string metric) =>
        ClassDocuments(sessionId).Where(d => d.TryGetProperty(metric, out _)).Select(d => d.GetProperty(metric).GetDouble()).ToList();

    /// <summary>Every value a metric took in one slot's documents (dimensions [SessionId, Slot]).</summary>
    public IReadOnlyList<double> SlotValues(string sessionId, string slot, string metric) =>
        Documents.Where(d => d.GetProperty("SessionId").GetString() == sessionId && d.TryGetProperty("Slot", out var s) && s.GetString() == slot
                             && d.TryGetProperty(metric, out _))
            .Select(d => d.GetProperty(metric).GetDouble()).ToList();

    private async Task AcceptAsync()
    {
        var readers = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                readers.Add(ReadAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        await Task.WhenAll(readers);
    }

    private async Task ReadAsync(TcpClient client)
    {
        using (client)
        using (var reader = new StreamReader(client.GetStream(), Encoding.UTF8))
        {
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    try
                    {
                        using var json = JsonDocument.Parse(line);
                        _documents.Enqueue(json.RootElement.Clone());
                    }
                    catch (JsonException)
                    {
                        _malformed.Enqueue(line);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>
/// What CloudWatch's Embedded Metric Format specification requires of a document: an <c>_aws</c> object with an integer
/// <c>Timestamp</c> (epoch milliseconds) and <c>CloudWatchMetrics</c> directives (<c>Namespace</c>, <c>Dimensions</c> as
/// arrays of member names, at most 30 each, <c>Metrics</c> with a <c>Name</c> and a valid <c>Unit</c>); every dimension
/// member a string at the root; every metric a number at the root; the timestamp within a day of <paramref name="now"/>
/// (the time the document was made for: the test's fixed clock, or the real one for a document a real daemon just sent).
/// Returns the problems found.
/// </summary>
internal static class EmfSpec
{
    private static readonly HashSet<string> Units =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    ];

    public static List<string> Problems(JsonElement document, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
            return ["no _aws object"];
        if (!aws.TryGetProperty("Timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.Number || !timestamp.TryGetInt64(out var ms)
            || Math.Abs(now.ToUnixTimeMilliseconds() - ms) > TimeSpan.FromDays(1).TotalMilliseconds)
            problems.Add("_aws.Timestamp is not epoch milliseconds within a day of now");
        if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array || directives.GetArrayLength() == 0)
            return [.. problems, "no _aws.CloudWatchMetrics directives"];
        foreach (var directive in directives.EnumerateArray())
        {
            if (!directive.TryGetProperty("Namespace", out var ns) || ns.GetString() is not { Length: > 0 and <= 255 })
                problems.Add("a directive has no Namespace");
            if (!directive.TryGetProperty("Dimensions", out var sets) || sets.ValueKind != JsonValueKind.Array)
                problems.Add("a directive has no Dimensions array");
            else
                foreach (var set in sets.EnumerateArray())
                {
                    if (set.ValueKind != JsonValueKind.Array || set.GetArrayLength() > 30)
                        problems.Add("a dimension set is not an array of at most 30 names");
                    else
                        foreach (var member in set.EnumerateArray())
                            if (!document.TryGetProperty(member.GetString()!, out var value) || value.ValueKind != JsonValueKind.String)
                                problems.Add($"dimension {member} is not a string at the root");
                }

            if (!directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() is 0 or > 100)
                problems.Add("a directive has no Metrics (1 to 100)");
            else
                foreach (var metric in metrics.EnumerateArray())
                {
                    var name = metric.TryGetProperty("Name", out var n) ? n.GetString() : null;
                    if (name is not { Length: > 0 and <= 1024 })
                        problems.Add("a metric has no Name");
                    else if (!document.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
                        problems.Add($"metric {name} is not a number at the root");
                    if (metric.TryGetProperty("Unit", out var unit) && !Units.Contains(unit.GetString()!))
                        problems.Add($"metric {name} has unit {unit}, not a CloudWatch unit");
                }
        }

        return problems;
    }
}
