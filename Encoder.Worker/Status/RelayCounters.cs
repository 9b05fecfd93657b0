using Encoder.Metrics;

namespace Encoder.Status;

/// <summary>What the relay saw (<c>relay</c> in the status file); incremented lock-free from its receive loop.</summary>
public sealed class RelayCounters(EncoderMetrics? metrics = null)
{
    private long _datagramsReceived;
    private long _datagramsDropped;
    private long _continuityErrors;
    private long _clientsRejected;

    /// <summary>The relay's loopback UDP input, where the recorder sends.</summary>
    public int InputPort { get; set; }

    /// <summary>The only source port the relay takes datagrams from: the recorder's.</summary>
    public int RecorderPort { get; set; }

    public void Received() => Interlocked.Increment(ref _datagramsReceived);

    public void Dropped()
    {
        Interlocked.Increment(ref _datagramsDropped);
        metrics?.RelayDatagramDropped();
    }

    public void ContinuityErrors(int count)
    {
        if (count > 0)
            Interlocked.Add(ref _continuityErrors, count);
    }

    public void ClientRejected() => Interlocked.Increment(ref _clientsRejected);

    public RelaySnapshot ToSnapshot() => new(
        InputPort,
        RecorderPort,
        Interlocked.Read(ref _datagramsReceived),
        Interlocked.Read(ref _datagramsDropped),
        Interlocked.Read(ref _continuityErrors),
        Interlocked.Read(ref _clientsRejected),
        SocketDrops());

    /// <summary>How often the kernel's drop counter is read: the table lists every UDP socket of the host, and the status is taken several times a second.</summary>
    public static readonly TimeSpan SocketDropsInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _dropsLock = new();
    private long? _socketDrops;
    private long? _socketDropsReadAt;

    private long? SocketDrops()
    {
        lock (_dropsLock)
        {
            var now = Environment.TickCount64;
            if (_socketDropsReadAt is not { } readAt || now - readAt >= (long)SocketDropsInterval.TotalMilliseconds)
                (_socketDrops, _socketDropsReadAt) = (Egress.UdpSocketDrops.Read(InputPort), now);
            return _socketDrops;
        }
    }
}
