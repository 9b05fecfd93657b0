using System.Text.Json;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Events;
using Encoder.Metrics;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;

namespace Encoder.Tests.Metrics;

/// <summary>The exporter against a loopback stand-in for the agent, driving the intervals itself.</summary>
[Category("Integration")]
public sealed class EmfExporterTests
{
    private ServiceProvider _services = null!;
    private EncoderMetrics _metrics = null!;
    private ListLogger<EmfExporter> _log = null!;

    [SetUp]
    public void Create()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _metrics = new EncoderMetrics(_services.GetRequiredService<IMeterFactory>(), TimeProvider.System, new RecorderHealth(TimeProvider.System));
        _log = new ListLogger<EmfExporter>();
    }

    [TearDown]
    public void Dispose() => _services.Dispose();

    private EmfExporter Exporter(EmfEndpoint endpoint) =>
        new(new EncoderOptions { SessionId = "yoga-1" }, _metrics, new EmfAgentClient(endpoint), endpoint, TimeProvider.System, _log);

    [Test]
    public async Task With_no_agent_it_warns_once_keeps_the_documents_and_sends_them_in_order_once_the_agent_listens()
    {
        var port = FreePort.Next();
        var endpoint = new EmfEndpoint(false, "127.0.0.1", port);
        using var exporter = Exporter(endpoint);

        for (var interval = 1; interval <= 5; interval++)
        {
            _metrics.Hear(new DiskChecked(TimeProvider.System.GetUtcNow(), interval));
            await exporter.FlushAsync(CancellationToken.None);
        }

        Assert.That(_log.Lines.Count(l => l.Level == LogLevel.Warning), Is.EqualTo(1), _log.Text);
        Assert.That(_log.Lines.Count(l => l.Level >= LogLevel.Information), Is.EqualTo(1), "retries are quiet: " + _log.Text);
        Assert.That(exporter.Queued, Is.EqualTo(5));

        await using var agent = EmfAgent.Start(port);
        _metrics.Hear(new DiskChecked(TimeProvider.System.GetUtcNow(), 6));
        await exporter.FlushAsync(CancellationToken.None);
        await Poll.UntilAsync(() => agent.Documents.Count == 6, TimeSpan.FromSeconds(10), "the waiting documents arrive");

        Assert.That(agent.Values("yoga-1", "DiskFreePercent"), Is.EqualTo(new[] { 1.0, 2, 3, 4, 5, 6 }));
        Assert.That(agent.Documents.SelectMany(d => EmfSpec.Problems(d, TimeProvider.System.GetUtcNow())), Is.Empty);
        Assert.That(exporter.Queued, Is.Zero);
        Assert.That(_log.Lines.Count(l => l.Level == LogLevel.Information), Is.EqualTo(1), "it says once that the agent is back");
    }

    [Test]
    public async Task The_queue_is_bounded_and_drops_the_oldest_documents_first()
    {
        using var exporter = Exporter(new EmfEndpoint(false, "127.0.0.1", FreePort.Next()));

        for (var interval = 0; interval < EmfExporter.Capacity + 3; interval++)
        {
            _metrics.Hear(new DiskChecked(TimeProvider.System.GetUtcNow(), interval));
            await exporter.FlushAsync(CancellationToken.None, sendOnlyIfReachable: true);
        }

        Assert.That(exporter.Queued, Is.EqualTo(EmfExporter.Capacity));
    }

    [Test]
    public async Task Over_udp_each_document_is_one_datagram()
    {
        using var receiver = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var exporter = Exporter(new EmfEndpoint(true, "127.0.0.1", port));
        _metrics.Hear(new IngestActivated(TimeProvider.System.GetUtcNow(), "secondary", Secondary: true, Failover: true, Return: false));

        await exporter.FlushAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await receiver.ReceiveAsync(timeout.Token);

        using var document = JsonDocument.Parse(datagram.Buffer);
        Assert.That(EmfSpec.Problems(document.RootElement, TimeProvider.System.GetUtcNow()), Is.Empty);
        Assert.That((document.RootElement.GetProperty("Failovers").GetDouble(), document.RootElement.GetProperty("OnSecondary").GetDouble()), Is.EqualTo((1.0, 1.0)));
    }
}
