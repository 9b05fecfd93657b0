using System.Net.Sockets;
using System.Net;
using Encoder.Ffmpeg;
using Encoder.Status;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The hub between the recorder and the egress processes, over two unix stream sockets that only the daemon's own
/// processes can open (<see cref="RelaySockets"/>: a private directory, and every peer's uid checked at connect).
/// The recorder writes MPEG-TS into the input (<see cref="RelayInput"/>); each egress connects to the output and first
/// gets the <see cref="GopCache"/> — PAT, PMT and the last GOPs — so its FFmpeg finds the codec headers at once
/// instead of waiting for the next keyframe: that is what makes a failover sub-second. An egress that falls behind is
/// dropped, never waited for. What is not whole TS packets is dropped and counted, and at most slots + 2 egresses
/// and the content watch are served (the rest closed, counted). Reads ("datagrams": up to <see cref="DatagramPackets"/> whole packets) go into
/// pooled blocks that the cache and every egress's queue share by reference (<see cref="RelayBlock"/>): nothing is
/// copied or allocated per packet. A read is received on the input's own thread and written to each egress that keeps
/// up from that thread too (<see cref="RelayClient.TryEnqueue"/>): one wake-up per read, none on the thread pool.
/// </summary>
public sealed class MpegTsRelay : IAsyncDisposable
{
    /// <summary>
    /// The most the relay reads at once: 174 TS packets, 32,712 bytes. The recorder fills FFmpeg's 32 KiB write
    /// buffer before it writes (<c>Recorder/RecorderArguments</c>: <c>flush_packets=0</c>), so at 3 Mbit/s about 11
    /// writes a second arrive, where a flush at every frame sent ~100 of up to 64 packets. A read is what the relay pays
    /// for (a wake-up, a receive, a send per egress), so fewer, fuller ones cost the daemon less CPU (bench/overhead
    /// measures it), and 64 KB ones gained nothing more.
    /// It holds the stream back by the time the recorder's buffer takes to fill: 87 ms at 3 Mbit/s, half a second at 500 kbit/s.
    /// </summary>
    public const int DatagramPackets = 174;

    /// <inheritdoc cref="DatagramPackets"/>
    public const int DatagramBytes = DatagramPackets * GopCache.PacketSize;

    /// <summary>How far an egress may fall behind before it is dropped (10.3 MiB): seconds of even a fast stream.</summary>
    public const long ClientQueueBytes = 57_344L * GopCache.PacketSize;

    private readonly Lock _lock = new();
    private readonly RelayBlockPool _pool = new();
    private readonly GopCache _cache;
    private readonly List<RelayClient> _clients = [];
    private readonly RelaySockets _sockets;
    private readonly RelayInput _input;
    private readonly Socket _output;
    private readonly IReadOnlyCollection<int> _peers;
    private readonly CancellationTokenSource _stop = new();
    private readonly RelayCounters _counters;
    private readonly int _maxClients;
    private readonly long _clientQueueBytes;
    private readonly ILogger _logger;
    private readonly Func<TsSlice, bool> _relay;
    private Task _loops = Task.CompletedTask;

    /// <param name="media">Where FFmpeg runs: under another uid, that uid may connect too, through its group.</param>
    /// <remarks>Readers: an egress per slot, two more for restarts that overlap, and the content watch (<c>Content/ContentWatch</c>).</remarks>
    public MpegTsRelay(ILogger<MpegTsRelay> logger, RelayCounters counters, IngestPlan plan, MediaPlacement media)
        : this(logger, counters, (plan ?? throw new ArgumentNullException(nameof(plan))).Slots.Count + 3, ClientQueueBytes,
            media?.Account is { } account ? [PeerCredentials.OwnUserId, account.Uid] : null, media?.Account?.Gid)
    {
    }

    /// <param name="peers">The uids whose processes may connect (the recorder's and the egresses' FFmpeg); the daemon's own by default.</param>
    /// <param name="sharedGroup">The group those processes run with when it is not the daemon's (see <see cref="RelaySockets"/>).</param>
    internal MpegTsRelay(ILogger logger, RelayCounters counters, int maxClients, long clientQueueBytes = ClientQueueBytes,
        IReadOnlyCollection<int>? peers = null, int? sharedGroup = null)
    {
        _logger = logger;
        _counters = counters;
        _maxClients = maxClients;
        _clientQueueBytes = clientQueueBytes;
        _peers = peers ?? [PeerCredentials.OwnUserId];
        _cache = new GopCache(pool: _pool);
        _relay = Relay;
        _sockets = new RelaySockets(sharedGroup);
        try
        {
            _input = new RelayInput(_pool, _sockets.Listen(_sockets.InputPath), socket => Admit(socket, "input"), _logger);
            _output = _sockets.Listen(_sockets.OutputPath);
        }
        catch
        {
            _input?.Dispose();
            _sockets.Dispose();
            throw;
        }
    }

    /// <summary>Where the recorder writes (a unix stream socket).</summary>
    public string InputPath => _sockets.InputPath;

    /// <summary>Where each egress reads from (a unix stream socket).</summary>
    public string OutputPath => _sockets.OutputPath;

    /// <summary>The relay's blocks (for tests and the allocation benchmark: none outstanding once all is released).</summary>
    internal RelayBlockPool Pool => _pool;

    public void Start() => _loops = Task.WhenAll(_input.ReceiveAsync(_relay, _counters.Dropped, _stop.Token), AcceptAsync(_stop.Token));

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
                client.Complete();
            _clients.Clear();
        }
    }

    /// <summary>Caches and fans out one datagram; false when it was dropped (its room in the block is reused).</summary>
    private bool Relay(TsSlice datagram)
    {
        _counters.Received(datagram.Length);
        lock (_lock)
        {
            var verdict = _cache.Add(datagram, DatagramPackets);
            _counters.ContinuityErrors(verdict.ContinuityErrors);
            if (!verdict.Accepted)
            {
                _counters.Dropped();
                return false;
            }

            for (var i = _clients.Count - 1; i >= 0; i--)
            {
                if (_clients[i].TryEnqueue(datagram, retain: true))
                    continue;
                if (!_clients[i].Ended) // one that went away is not one that fell behind
                    _logger.LogWarning("An egress fell {Bytes} bytes behind the relay; dropping it", _clientQueueBytes);
                _clients[i].Abort();
                _clients.RemoveAt(i);
            }

            return true;
        }
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _output.AcceptAsync(ct).ConfigureAwait(false);
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

            if (!Admit(socket, "output"))
            {
                socket.Dispose();
                continue;
            }

            RelayClient client;
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
                client = new RelayClient(socket, _clientQueueBytes + _cache.SnapshotBytes);
                _cache.SnapshotTo(slice =>
                {
                    if (!client.TryEnqueue(slice, retain: false))
                        slice.Block.Release();
                });
                _clients.Add(client);
            }

            _ = ServeAsync(client, ct);
        }
    }

    /// <summary>
    /// True when the process at the other end runs as one of <see cref="_peers"/>. The socket's directory already keeps
    /// other users out; this holds even if its permissions were ever wrong. A refusal is counted and logged: it means
    /// another local user got as far as the socket.
    /// </summary>
    private bool Admit(Socket socket, string side)
    {
        var peer = PeerCredentials.Of(socket);
        if (peer is { } known ? _peers.Contains(known.UserId) : !OperatingSystem.IsLinux())
            return true;
        _counters.ClientRejected();
        _logger.LogWarning("Refused a connection to the relay's {Side} from uid {Uid} (pid {Pid}): not one of the daemon's processes",
            side, peer?.UserId, peer?.ProcessId);
        return false;
    }

    private async Task ServeAsync(RelayClient client, CancellationToken ct)
    {
        await client.SendAsync(ct).ConfigureAwait(false);
        lock (_lock)
            _clients.Remove(client);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        DisconnectAll();
        _input.Dispose();
        _output.Dispose();
        await _loops.ConfigureAwait(false);
        Reset(); // the cache's blocks go back too
        _sockets.Dispose();
        _stop.Dispose();
    }
}
