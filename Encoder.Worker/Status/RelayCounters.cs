using Encoder.Events;

namespace Encoder.Status;

/// <summary>
/// What the relay saw (<c>relay</c> in the status file); incremented lock-free from its receive loop. A dropped datagram
/// is also published (<see cref="RelayDatagramDropped"/>); the bytes received are the recorder's stream, whose rate is the
/// bitrate (<see cref="StreamRates"/>).
/// </summary>
public sealed class RelayCounters(ClassEvents? events = null, TimeProvider? time = null)
{
    private long _datagramsReceived;
    private long _bytesReceived;
    private long _datagramsDropped;
    private long _continuityErrors;
    private long _clientsRejected;

    /// <summary>The relay's loopback UDP input, where the recorder sends.</summary>
    public int InputPort { get; set; }

    /// <summary>The only source port the relay takes datagrams from: the recorder's.</summary>
    public int RecorderPort { get; set; }

    /// <summary>Bytes received from the recorder, dropped or not: the MPEG-TS stream it wrote.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public void Received(int bytes)
    {
        Interlocked.Increment(ref _datagramsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    public void Dropped()
    {
        Interlocked.Increment(ref _datagramsDropped);
        events?.Publish(new RelayDatagramDropped((time ?? TimeProvider.System).GetUtcNow()));
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
