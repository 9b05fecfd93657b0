using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The loopback hub between the recorder and the egress processes. The recorder sends MPEG-TS over UDP (it never
/// waits for anyone); each egress connects over TCP and first gets the <see cref="GopCache"/> — PAT, PMT and the
/// last GOPs — so its FFmpeg finds the codec headers at once instead of waiting for the next keyframe: that is what
/// makes a failover sub-second. An egress that falls behind is dropped, never waited for.
/// </summary>
public sealed class MpegTsRelay : IAsyncDisposable
{
    private const int ClientQueueDatagrams = 8192; // ~10 MB of 1316-byte datagrams: seconds of even a fast stream
    private readonly Lock _lock = new();
    private readonly GopCache _cache = new();
    private readonly List<Channel<ReadOnlyMemory<byte>>> _clients = [];
    private readonly UdpClient _input;
    private readonly TcpListener _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private Task _loops = Task.CompletedTask;

    public MpegTsRelay(ILogger<MpegTsRelay> logger)
    {
        _logger = logger;
        _input = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _input.Client.ReceiveBufferSize = 8 * 1024 * 1024;
        _output = new TcpListener(IPAddress.Loopback, 0);
        _output.Start();
    }

    /// <summary>Where the recorder sends (UDP).</summary>
    public int InputPort => ((IPEndPoint)_input.Client.LocalEndPoint!).Port;

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
        while (!ct.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _input.ReceiveAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogDebug(ex, "Relay receive failed");
                continue;
            }

            lock (_lock)
            {
                _cache.Add(datagram.Buffer);
                for (var i = _clients.Count - 1; i >= 0; i--)
                {
                    if (_clients[i].Writer.TryWrite(datagram.Buffer))
                        continue;
                    _logger.LogWarning("An egress fell {Datagrams} datagrams behind the relay; dropping it", ClientQueueDatagrams);
                    _clients[i].Writer.TryComplete();
                    _clients.RemoveAt(i);
                }
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

            var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(ClientQueueDatagrams)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the relay never blocks
            });
            lock (_lock)
            {
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
