namespace Encoder.Egress;

/// <summary>What the cache made of one datagram.</summary>
/// <param name="Accepted">False when the datagram was not whole, synced MPEG-TS packets: it was dropped.</param>
/// <param name="ContinuityErrors">Packets that did not follow their PID's previous one (loss upstream or on the socket).</param>
public readonly record struct DatagramVerdict(bool Accepted, int ContinuityErrors);

/// <summary>
/// Remembers what a viewer joining an MPEG-TS stream needs to start at once: the latest PAT and PMT, and every packet
/// since the start of the previous keyframe's GOP (so at least one whole GOP). A keyframe is a packet on the video
/// PID (from the PMT) that starts a PES and carries the random-access indicator, as FFmpeg's muxer marks it.
/// </summary>
public sealed class GopCache(int maxBytes = GopCache.DefaultMaxBytes)
{
    public const int PacketSize = TsPacket.Size;
    public const int DefaultMaxBytes = 32 * 1024 * 1024;
    private const byte NoCounter = 0xFF;
    private static ReadOnlySpan<byte> VideoStreamTypes => [0x1B, 0x24, 0x02]; // H.264, HEVC, MPEG-2
    private readonly byte[] _continuity = NewContinuity();

    private byte[]? _pat;
    private byte[]? _pmt;
    private int _pmtPid = -1;
    private int _videoPid = -1;
    private List<byte[]> _previousGop = [];
    private List<byte[]> _currentGop = [];
    private int _bytes;

    public int VideoPid => _videoPid;

    /// <summary>
    /// Takes one datagram: whole 188-byte packets, each starting with the sync byte, at most
    /// <paramref name="maxPackets"/> of them. Anything else is rejected whole (and should not be relayed either);
    /// a packet whose PAT or PMT does not parse is ignored. Never throws, whatever the bytes.
    /// </summary>
    public DatagramVerdict Add(ReadOnlySpan<byte> datagram, int maxPackets = int.MaxValue)
    {
        if (datagram.Length == 0 || datagram.Length % PacketSize != 0 || datagram.Length / PacketSize > maxPackets)
            return new DatagramVerdict(false, 0);
        for (var offset = 0; offset < datagram.Length; offset += PacketSize)
        {
            if (datagram[offset] != TsPacket.SyncByte)
                return new DatagramVerdict(false, 0);
        }

        var continuityErrors = 0;
        for (var offset = 0; offset < datagram.Length; offset += PacketSize)
        {
            var packet = datagram.Slice(offset, PacketSize);
            continuityErrors += BreaksContinuity(packet) ? 1 : 0;
            AddPacket(packet);
        }

        return new DatagramVerdict(true, continuityErrors);
    }

    /// <summary>What a new viewer gets first: PAT, PMT, then the cached GOPs; empty until a keyframe has been seen.</summary>
    public byte[] Snapshot()
    {
        if (_pat is null || _pmt is null || _currentGop.Count == 0)
            return [];
        var snapshot = new byte[PacketSize * (2 + _previousGop.Count + _currentGop.Count)];
        var span = snapshot.AsSpan();
        _pat.CopyTo(span);
        _pmt.CopyTo(span[PacketSize..]);
        var at = 2 * PacketSize;
        foreach (var packet in _previousGop.Concat(_currentGop))
        {
            packet.CopyTo(span[at..]);
            at += PacketSize;
        }

        return snapshot;
    }

    /// <summary>Forgets everything (a new recorder run starts a new stream).</summary>
    public void Clear()
    {
        _pat = _pmt = null;
        _pmtPid = _videoPid = -1;
        _previousGop = [];
        _currentGop = [];
        _bytes = 0;
        Array.Fill(_continuity, NoCounter);
    }

    private static byte[] NewContinuity()
    {
        var counters = new byte[TsPacket.NullPid + 1];
        Array.Fill(counters, NoCounter);
        return counters;
    }

    private void AddPacket(ReadOnlySpan<byte> packet)
    {
        var pid = TsPacket.Pid(packet);
        var payloadStart = TsPacket.StartsPayload(packet);
        if (pid == 0 && payloadStart)
        {
            if (TsPacket.ProgramMapPid(packet) is var pmtPid and >= 0)
            {
                _pat = packet.ToArray();
                _pmtPid = pmtPid;
            }

            return;
        }

        if (pid == _pmtPid && payloadStart)
        {
            if (TsPacket.VideoPid(packet, VideoStreamTypes) is var videoPid and >= 0)
            {
                _pmt = packet.ToArray();
                _videoPid = videoPid;
            }

            return;
        }

        var keyframe = pid == _videoPid && payloadStart && TsPacket.IsRandomAccess(packet);
        if (keyframe)
        {
            _bytes -= _previousGop.Count * PacketSize;
            _previousGop = _currentGop;
            _currentGop = [];
        }

        if (_currentGop.Count == 0 && !keyframe)
            return; // nothing useful before the first keyframe

        _currentGop.Add(packet.ToArray());
        _bytes += PacketSize;
        if (_bytes > maxBytes)
        {
            // No keyframe for far too long: keep memory bounded, start again at the next keyframe.
            _bytes -= (_previousGop.Count + _currentGop.Count) * PacketSize;
            _previousGop = [];
            _currentGop = [];
        }
    }

    /// <summary>True when a packet with payload does not follow its PID's previous one (a lost or reordered packet).</summary>
    private bool BreaksContinuity(ReadOnlySpan<byte> packet)
    {
        var pid = TsPacket.Pid(packet);
        if (pid == TsPacket.NullPid || !TsPacket.HasPayload(packet))
            return false;
        var counter = TsPacket.ContinuityCounter(packet);
        var previous = _continuity[pid];
        _continuity[pid] = (byte)counter;
        if (previous == NoCounter || TsPacket.IsDiscontinuity(packet))
            return false;
        return counter != ((previous + 1) & 0x0F) && counter != previous; // one duplicate is allowed
    }
}
