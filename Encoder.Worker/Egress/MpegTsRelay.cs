using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Encoder.Status;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The loopback hub between the recorder and the egress processes. The recorder sends MPEG-TS over UDP (it never
/// waits for anyone); each egress connects over TCP and first gets the <see cref="GopCache"/> — PAT, PMT and the
/// last GOPs — so its FFmpeg finds the codec headers at once instead of waiting for the next keyframe: that is what
/// makes a failover sub-second. An egress that falls behind is dropped, never waited for.
/// Nothing on its socket can stop it: only the recorder's datagrams arrive (<see cref="RelayInput"/>), what is not
/// whole TS packets is dropped and counted, and at most slots + 2 egresses are served (the rest closed, counted).
/// </summary>
public sealed class MpegTsRelay : IAsyncDisposable
{
    /// <summary>The recorder's datagrams: 7 TS packets (FFmpeg's <c>pkt_size</c>); larger ones are dropped.</summary>
    public const int DatagramBytes = 7 * GopCache.PacketSize;
    private const int ClientQueueDatagrams = 8192; // ~10 MB of 1316-byte datagrams: seconds of even a fast stream
    private readonly Lock _lock = new();
    private readonly GopCache _cache = new();
    private readonly List<Channel<ReadOnlyMemory<byte>>> _clients = [];
    private readonly UdpClient _input;
    private readonly TcpListener _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly RelayCounters _counters;
    private readonly int _maxClients;
    private readonly ILogger _logger;
    private Task _loops = Task.CompletedTask;

    public MpegTsRelay(ILogger<MpegTsRelay> logger, RelayCounters counters, IngestPlan plan)
        : this(logger, counters, (plan ?? throw new ArgumentNullException(nameof(plan))).Slots.Count + 2)
    {
    }

    internal MpegTsRelay(ILogger logger, RelayCounters counters, int maxClients)
    {
        _logger = logger;
        _counters = counters;
        _maxClients = maxClients;
        (_input, RecorderPort) = RelayInput.Open(_logger);
        _output = new TcpListener(IPAddress.Loopback, 0);
        _output.Start();
        _counters.InputPort = InputPort;
        _counters.RecorderPort = RecorderPort;
    }

    /// <summary>Where the recorder sends (UDP).</summary>
    public int InputPort => ((IPEndPoint)_input.Client.LocalEndPoint!).Port;

    /// <summary>The source port the recorder sends from (its <c>localport</c>); datagrams from anywhere else never arrive.</summary>
    public int RecorderPort { get; }

    /// <summary>Where each egress reads from (TCP).</summary>
    public int OutputPort => ((IPEndPoint)_output.LocalEndpoint).Port;

    public void Start() => _loops = Task.WhenAll(ReceiveAsync(_stop.Token), AcceptAsync(_stop.Token));

    /// <summary>A new recorder run starts a new stream: what was cached no longer applies.</summary>
    public void Reset()
    {
        lock (_lock)
            _cache.Clear();
    }

    /// <summary>Ends every egress's input (they then finish at once); new ones can still connect.</summary>
    public void DisconnectAll()
    {
        lock (_lock)
        {
            foreach (var client in _clients)
                client.Writer.TryComplete();
            _clients.Clear();
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var loggedUnexpected = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var datagram = await _input.ReceiveAsync(ct).ConfigureAwait(false);
                Relay(datagram.Buffer);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // only DisposeAsync disposes the socket
            }
            catch (SocketException ex)
            {
                _logger.LogDebug(ex, "Relay receive failed");
            }
#pragma warning disable CA1031 // nothing a sender does may end the broadcast: log once, keep receiving
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!loggedUnexpected)
                    _logger.LogError(ex, "The relay failed on a datagram; dropping it and receiving on");
                loggedUnexpected = true;
                _counters.Dropped();
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false); // a repeating fault must not spin a core
            }
        }
    }

    private void Relay(byte[] datagram)
    {
        _counters.Received();
        lock (_lock)
        {
            var verdict = _cache.Add(datagram, DatagramBytes / GopCache.PacketSize);
            _counters.ContinuityErrors(verdict.ContinuityErrors);
            if (!verdict.Accepted)
            {
                _counters.Dropped();
                return;
            }

            for (var i = _clients.Count - 1; i >= 0; i--)
            {
                if (_clients[i].Writer.TryWrite(datagram))
                    continue;
                _logger.LogWarning("An egress fell {Datagrams} datagrams behind the relay; dropping it", ClientQueueDatagrams);
                _clients[i].Writer.TryComplete();
                _clients.RemoveAt(i);
            }
        }
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _output.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogDebug(ex, "Relay accept failed");
                continue;
            }

            var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(ClientQueueDatagrams)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the relay never blocks
            });
            lock (_lock)
            {
                if (_clients.Count >= _maxClients)
                {
                    _counters.ClientRejected();
                    _logger.LogDebug("Refused a relay connection: {Clients} egresses already connected", _clients.Count);
                    socket.Dispose();
                    continue;
                }

                // Snapshot and subscription under one lock: the new egress gets no gap and no duplicate.
                var snapshot = _cache.Snapshot();
                if (snapshot.Length > 0)
                    channel.Writer.TryWrite(snapshot);
                _clients.Add(channel);
            }

            _ = SendAsync(socket, channel, ct);
        }
    }

    private async Task SendAsync(Socket socket, Channel<ReadOnlyMemory<byte>> channel, CancellationToken ct)
    {
        using (socket)
        {
            try
            {
                socket.NoDelay = true;
                await foreach (var data in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                    await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The egress went away (or we are stopping): its FFmpeg ends and is restarted by the router if needed.
            }
            finally
            {
                lock (_lock)
                    _clients.Remove(channel);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        DisconnectAll();
        _input.Dispose();
        _output.Stop();
        await _loops.ConfigureAwait(false);
        _stop.Dispose();
    }
}
