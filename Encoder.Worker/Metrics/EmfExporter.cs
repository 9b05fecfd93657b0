using Encoder.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Metrics;

/// <summary>
/// Every <c>Metrics:IntervalSeconds</c>: collects the interval's figures (<see cref="MetricsCollector"/>), renders them as
/// EMF (<see cref="EmfDocument"/>) and sends them to the CloudWatch agent (<see cref="IEmfSink"/>). Documents wait in a
/// bounded queue while the agent is away (the oldest dropped first) and go in order once it answers. An agent that
/// does not answer is said once (a warning), and once more when it is back; nothing else waits on it. Registered
/// early, so it stops late: its last document, after the upload drain, carries <c>UploadsPendingAtEnd</c>.
/// </summary>
public sealed class EmfExporter(EncoderOptions options, EncoderMetrics metrics, IEmfSink sink, EmfEndpoint endpoint, TimeProvider time, ILogger<EmfExporter> logger)
    : BackgroundService
{
    /// <summary>About 40 minutes of documents at the default interval (a class document and two slots' each time).</summary>
    public const int Capacity = 720;

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(1);

    private readonly MetricsCollector _collector = new(metrics.Meter);
    private readonly Queue<byte[]> _queue = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private bool? _reachable;
    private long _dropped;

    /// <summary>Documents waiting for the agent.</summary>
    public int Queued => _queue.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogDebug("Sending metrics as EMF to {Endpoint} every {Seconds}s", endpoint, options.Metrics.IntervalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Metrics.IntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await FlushAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>After the services registered later (the uploader's drain) have stopped: one last document, briefly, if the agent answers.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(FinalFlushTimeout);
        try
        {
            await FlushAsync(bounded.Token, sendOnlyIfReachable: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        _collector.Dispose();
        _flushing.Dispose();
        sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose();
    }

    /// <summary>Collects one interval and sends what is queued. Public for tests that drive the interval themselves.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken, bool sendOnlyIfReachable = false)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var document in EmfDocument.Render(options.SessionId, time.GetUtcNow(), _collector.Collect()))
            {
                if (_queue.Count >= Capacity)
                {
                    _queue.Dequeue();
                    _dropped++;
                }

                _queue.Enqueue(document);
            }

            if (sendOnlyIfReachable && _reachable != true)
                return;
            await SendQueuedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task SendQueuedAsync(CancellationToken cancellationToken)
    {
        while (_queue.TryPeek(out var document))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendTimeout);
            try
            {
                await sink.SendAsync(document, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (cancellationToken.IsCancellationRequested)
                    throw;
                if (_reachable != false)
                    logger.LogWarning("Cannot send metrics to the CloudWatch agent at {Endpoint}: {Error}. Retrying quietly each interval; up to {Capacity} documents wait, the oldest dropped first",
                        endpoint, ex is OperationCanceledException ? "timed out" : ex.Message, Capacity);
                _reachable = false;
                return;
            }

            _queue.Dequeue();
            if (_reachable == false)
                logger.LogInformation("The CloudWatch agent at {Endpoint} answers again; sending the metrics that waited ({Dropped} documents were dropped meanwhile)",
                    endpoint, _dropped);
            _reachable = true;
            _dropped = 0;
        }
    }
}
